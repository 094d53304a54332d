// fingerprintFiles against coreutils (sha256sum, stat): each file's SHA-256 and size, a changed file
// hashed again, and compareFingerprints naming what changed. Its cache is in the test run's
// temporary folder (test/globalSetup.ts), never ~/.cache.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareFingerprints, fingerprintCacheFile, fingerprintFiles } from '../../src/provenance/fingerprint.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-fingerprint-');
afterAll(() => tmp.cleanup());
const sha256sum = (file: string) => spawnSync('sha256sum', [file], { encoding: 'utf8' }).stdout.split(' ')[0];

describe('fingerprintFiles(files) against sha256sum', () => {
  it('gives each file\'s name, size and SHA-256 as sha256sum and stat do, sorted by path, and keeps the hashes in the test cache', async () => {
    const files = ['b.tif', 'a.tif'].map((n, k) => { const f = join(tmp.dir, n); writeFileSync(f, Buffer.alloc(1000 + k * 37, k + 1)); return f; });
    const fp = await fingerprintFiles(files);
    expect(fp.files.map((f) => f.name)).toEqual(['a.tif', 'b.tif']);
    for (const f of fp.files) {
      const path = join(tmp.dir, f.name);
      expect(f).toEqual({ name: f.name, size_bytes: statSync(path).size, sha256: sha256sum(path) });
    }
    expect(fp.id).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintCacheFile().startsWith(process.env.PERMAFROST_CACHE!)).toBe(true);
    expect(existsSync(fingerprintCacheFile())).toBe(true);
  });

  it('hashes a file again when it changed (same size, new time), and compareFingerprints names it', async () => {
    const file = join(tmp.dir, 'c.tif');
    writeFileSync(file, 'abcdefgh');
    const before = await fingerprintFiles([file]);
    writeFileSync(file, 'abcdefgX');
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    const after = await fingerprintFiles([file]);
    expect(after.files[0].sha256).toBe(sha256sum(file));
    expect(after.id).not.toBe(before.id);
    const match = compareFingerprints(before, after);
    expect(match.matches).toBe(false);
    expect(match.differences).toEqual([expect.stringMatching(/^c\.tif: same size, different content \(sha256 [0-9a-f]{12}…, recorded [0-9a-f]{12}…\)$/)]);
    expect(compareFingerprints(after, await fingerprintFiles([file]))).toEqual({ matches: true, differences: [] });
  });

  it('records a missing file and a URL without a hash, saying why', async () => {
    const fp = await fingerprintFiles([join(tmp.dir, 'gone.tif'), 'https://example.org/magt.tif']);
    expect(fp.files).toEqual([
      { name: 'gone.tif', size_bytes: null, sha256: null, note: 'not readable: ENOENT' },
      { name: 'https://example.org/magt.tif', size_bytes: null, sha256: null, note: 'remote: not hashed' },
    ]);
  });
});
