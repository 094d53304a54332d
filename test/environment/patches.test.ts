// environment/tslab-patches.cjs: the one change to tslab's files, applied by setup.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root, tempDir } from '../helpers.js';

const { patches, applyPatches, missingPatches, tslabDir } = createRequire(import.meta.url)(join(root, 'environment', 'tslab-patches.cjs'));
const tmp = tempDir('tslab-patches-');
afterAll(() => tmp.cleanup());

/** A fake tslab folder whose converter.js holds `text`. */
function fakeTslab(name: string, text: string): string {
  const dir = join(tmp.dir, name);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ version: '9.9.9' }));
  writeFileSync(join(dir, 'dist', 'converter.js'), text);
  return dir;
}

describe('tslab patches', () => {
  it('are in place in this checkout\'s tslab (npm run setup applies them)', () => {
    expect(missingPatches(tslabDir())).toEqual([]);
  });

  it('apply once: the text tslab 1.0.22 has is replaced, and a second run changes nothing', () => {
    const [names] = patches;
    const dir = fakeTslab('pristine', `before\n${names.find}after\n`);
    expect(missingPatches(dir)).toEqual(['names']);
    expect(applyPatches(dir)).toEqual(['names']);
    const patched = readFileSync(join(dir, 'dist', 'converter.js'), 'utf8');
    expect(patched).toBe(`before\n${names.replace}after\n`);
    expect(applyPatches(dir)).toEqual([]);
    expect(readFileSync(join(dir, 'dist', 'converter.js'), 'utf8')).toBe(patched);
    expect(missingPatches(dir)).toEqual([]);
  });

  it('refuse a tslab whose text differs, naming the patch and the version, and leave its file alone', () => {
    const dir = fakeTslab('changed', 'function wrapPrevIdentifier(node) { /* rewritten upstream */ }\n');
    expect(() => applyPatches(dir)).toThrow(/tslab 9\.9\.9: patch "names" does not fit .*converter\.js \(written for tslab 1\.0\.22\); update environment\/tslab-patches\.cjs/);
    expect(readFileSync(join(dir, 'dist', 'converter.js'), 'utf8')).toBe('function wrapPrevIdentifier(node) { /* rewritten upstream */ }\n');
  });
});
