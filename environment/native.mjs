// `npm run build`, after tsc and wasm.mjs: compiles src/geotiff/inflate.c, a Node-API addon that
// decodes DEFLATE with Debian's libdeflate (linked in statically), into dist/geotiff/inflate.node.
// Optional: without gcc, Node's headers or libdeflate-dev (environment/debian-packages.txt) it says
// so and the reader decodes DEFLATE with Node's zlib, to the same bytes, about 1.3× slower.
// `node environment/native.mjs FOLDER` writes FOLDER/geotiff/inflate.node instead (the tests' build).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'src', 'geotiff', 'inflate.c');
const target = join(process.argv[2] ?? join(root, 'dist'), 'geotiff', 'inflate.node');
const headers = [join(dirname(dirname(process.execPath)), 'include', 'node'), '/usr/include/node'].find((d) => existsSync(join(d, 'node_api.h')));
const library = ['/usr/lib/x86_64-linux-gnu/libdeflate.a', '/usr/lib/aarch64-linux-gnu/libdeflate.a', '/usr/lib/libdeflate.a', '/usr/local/lib/libdeflate.a'].find((f) => existsSync(f));
const missing = [!headers && "Node's headers (node_api.h)", !library && 'libdeflate-dev', !existsSync('/usr/include/libdeflate.h') && 'libdeflate.h'].filter(Boolean);
if (missing.length) {
  rmSync(target, { force: true });
  console.log(`[build] DEFLATE through Node's zlib: no ${missing.join(', ')} for the libdeflate addon`);
} else {
  mkdirSync(dirname(target), { recursive: true });
  try {
    execFileSync('gcc', ['-O2', '-shared', '-fPIC', '-Wall', '-I', headers, source, '-o', `${target}.tmp`, library], { stdio: ['ignore', 'inherit', 'inherit'] });
    renameSync(`${target}.tmp`, target);
  } catch (err) {
    rmSync(`${target}.tmp`, { force: true });
    rmSync(target, { force: true });
    console.log(`[build] DEFLATE through Node's zlib: the libdeflate addon did not build (${err.message.split('\n')[0]})`);
  }
}
