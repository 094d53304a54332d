import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { tableHtml } from '../../src/display/tableHtml.js';

describe('tableHtml(table)', () => {
  it('escapes names and values taken from files', () => {
    const html = tableHtml(aq.table({ 'site<name>': ['<script>alert(1)</script>', 'A & B'] }));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('site&#60;name&#62;');
    expect(html).toContain('A &#38; B');
  });

  it('shows the first rows and counts the rest', () => {
    const html = tableHtml(aq.table({ x: Array.from({ length: 25 }, (_, i) => i) }), { limit: 5 });
    expect(html.match(/<tr>/g)?.length).toBe(6); // header + 5 rows
    expect(html).toContain('25 rows × 1 columns (first 5 shown)');
  });

  it('rounds non-integers to the requested significant digits', () => {
    expect(tableHtml(aq.table({ v: [1.23456789] }), { digits: 3 })).toContain('>1.23<');
  });
});
