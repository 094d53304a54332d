import { describe, expect, it } from 'vitest';
import { FormatError, InputError, PermafrostError, invalid } from '../src/errors.js';

describe('errors', () => {
  it('invalid(what, value, expected) names the value and what was expected', () => {
    expect(invalid('band', 9, '0 to 7')).toBe('invalid band: 9 (expected 0 to 7)');
    expect(invalid('period', '1979-1983')).toBe('invalid period: "1979-1983"');
  });

  it('prefix the message with where the problem is, and keep their own class name', () => {
    const err = new FormatError('not a TIFF file', 'data/x.tif');
    expect(err.message).toBe('data/x.tif: not a TIFF file');
    expect(err.where).toBe('data/x.tif');
    expect(err.name).toBe('FormatError');
    expect(err).toBeInstanceOf(PermafrostError);
    expect(new InputError('x')).not.toBeInstanceOf(FormatError);
  });
});
