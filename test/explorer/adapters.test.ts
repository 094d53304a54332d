// The explorer's adapters for Node's modules (src/explorer/node/), each against the Node module it
// stands in for: the library must not tell them apart.
import { createHash } from 'node:crypto';
import * as nodePath from 'node:path';
import { deflateSync, gzipSync, inflateSync as nodeInflate } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createHash as pageHash } from '../../src/explorer/node/crypto.js';
import * as pagePath from '../../src/explorer/node/path.js';
import { crc32, gunzipSync, inflateSync } from '../../src/explorer/node/zlib.js';

describe('the explorer\'s adapters', () => {
  it('createHash("sha256") gives node:crypto\'s digests, text and bytes, across the 55/56/64-byte padding edges', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 1000]) {
      const text = 'ä'.repeat(n).slice(0, n) + 'x';
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255);
      expect(pageHash('sha256').update(text).update(bytes).digest('hex')).toBe(createHash('sha256').update(text).update(bytes).digest('hex'));
    }
  });

  it('path: join, resolve, dirname, basename, extname and relative as node:path (POSIX, from /)', () => {
    const cases = ['/picked/magt.tif', '/a/b/../c/./d.tar.gz', 'rel/x', '/', '/picked/', 'a/../../b', '.hidden'];
    for (const p of cases) {
      expect(pagePath.dirname(p), p).toBe(nodePath.posix.dirname(p));
      expect(pagePath.basename(p), p).toBe(nodePath.posix.basename(p));
      expect(pagePath.extname(p), p).toBe(nodePath.posix.extname(p));
      expect(pagePath.join('/picked', p), p).toBe(nodePath.posix.join('/picked', p));
      expect(pagePath.resolve('/picked', p), p).toBe(nodePath.posix.resolve('/picked', p));
      expect(pagePath.relative('/picked/x', pagePath.resolve('/', p)), p).toBe(nodePath.posix.relative('/picked/x', nodePath.posix.resolve('/', p)));
    }
  });

  it('zlib: inflate as node:zlib, maxOutputLength refused with Node\'s words, a stream cut short read with finishFlush 2, gunzip and crc32', () => {
    const data = Uint8Array.from({ length: 200_000 }, (_, i) => (i * i) % 251);
    const packed = deflateSync(data);
    expect(Buffer.from(inflateSync(packed, { chunkSize: data.length, maxOutputLength: data.length }))).toEqual(nodeInflate(packed));
    expect(() => inflateSync(packed, { maxOutputLength: 1000 })).toThrow(/output length/i);
    const cut = packed.subarray(0, packed.length - 100);
    expect(() => inflateSync(cut)).toThrow();
    const some = inflateSync(cut, { finishFlush: 2 });
    expect(Buffer.from(some)).toEqual(nodeInflate(cut, { finishFlush: 2 }));
    expect(gunzipSync(gzipSync(Buffer.from('{"a":1}'))).toString('utf8')).toBe('{"a":1}');
    expect(crc32('123456789')).toBe(0xcbf43926);
  });
});
