// `npm run build`, after tsc, wasm.mjs and epsg.mjs: the explorer page (dist/explorer/), the library's
// own sources bundled for the browser by esbuild. Where Node and the browser differ, one small adapter
// each takes the place of a Node module here, at build time (src/explorer/node/: files are the picked
// files read by Blob slices, zlib is pako, worker threads are Web Workers started from the embedded
// worker script, `require` gives what the build bundled); the library's code is the same.
// Classic scripts only (format iife): Chromium refuses module scripts and module workers on file://.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'explorer');
const require = createRequire(import.meta.url);
const src = (path) => join(root, 'src', path);

/** Node's modules and the library's Node-only modules, and what takes their place in the page. */
const NODE = {
  fs: 'explorer/node/fs.ts', 'fs/promises': 'explorer/node/fs.ts', path: 'explorer/node/path.ts', url: 'explorer/node/url.ts',
  os: 'explorer/node/os.ts', zlib: 'explorer/node/zlib.ts', crypto: 'explorer/node/crypto.ts', module: 'explorer/node/module.ts',
  worker_threads: 'explorer/node/worker_threads.ts', child_process: 'explorer/node/child_process.ts',
};
const MODULES = { 'geotiff/kernelModule.ts': 'explorer/kernelModule.ts', 'geotiff/jpeg.ts': 'explorer/jpeg.ts' };

/** Where the library's files sit in the page's own file system (fs.ts): as in a checkout, under /permafrost-lab. */
const PACKAGE = '/permafrost-lab';

/**
 * The adapters (by import name or resolved path), each source file's `import.meta.url` (its place
 * under /permafrost-lab, so that the library finds what the build embedded beside it), and the two
 * modules made for each bundle: the embedded files and what `require` answers.
 */
function adapters({ embedded, required }) {
  return {
    name: 'permafrost-explorer',
    setup(build) {
      build.onResolve({ filter: /^node:/ }, (args) => {
        const name = args.path.slice(5);
        if (!NODE[name]) return { errors: [{ text: `${args.path} (imported by ${relative(root, args.importer)}) has no adapter for the browser: add one to src/explorer/node/ and to NODE in environment/explorer.mjs` }] };
        return { path: src(NODE[name]) };
      });
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = relative(join(root, 'src'), join(args.resolveDir, args.path.replace(/\.js$/, '.ts')));
        return MODULES[target] && args.importer !== src(MODULES[target]) ? { path: src(MODULES[target]) } : undefined;
      });
      build.onResolve({ filter: /^explorer:/ }, (args) => ({ path: args.path, namespace: 'explorer' }));
      build.onLoad({ filter: /.*/, namespace: 'explorer' }, (args) => {
        if (args.path === 'explorer:embedded') return { contents: `export const EMBEDDED = ${JSON.stringify(embedded())};`, loader: 'js' };
        const lines = Object.keys(required).map((id, k) => `import m${k} from ${JSON.stringify(id)};`);
        return { contents: `${lines.join('\n')}\nexport const REQUIRED = { ${Object.keys(required).map((id, k) => `${JSON.stringify(id)}: m${k}`).join(', ')} };`, loader: 'js', resolveDir: root };
      });
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith(join(root, 'src'))) return undefined;
        const url = `file://${PACKAGE}/src/${relative(join(root, 'src'), args.path).replace(/\.ts$/, '.js')}`;
        return { contents: readFileSync(args.path, 'utf8').replace(/import\.meta\.url/g, JSON.stringify(url)), loader: 'ts' };
      });
    },
  };
}

const common = {
  metafile: !!process.env.EXPLORER_ANALYZE, bundle: true, format: 'iife', platform: 'browser', target: 'chrome110', minify: !process.env.EXPLORER_DEBUG, sourcemap: process.env.EXPLORER_DEBUG ? 'inline' : false, legalComments: 'none', logLevel: 'warning', write: false,
  inject: [src('explorer/node/process.ts'), src('explorer/node/sharedArrayBuffer.ts'), src('explorer/node/timers.ts')],
  define: { 'import.meta.url': JSON.stringify(`file://${PACKAGE}/node_modules/`), global: 'globalThis' },
  // modules the page never loads: WebP needs the libwebp WebAssembly file beside it (a WebP GeoTIFF is 8-bit RGB, never the
  // product); h5wasm's Node build reads NetCDF4/HDF5 through Node's file system (the page reads GeoTIFF and NetCDF3 files)
  external: ['@jsquash/webp/*', 'h5wasm', 'h5wasm/*'],
};

const bytes = (path) => ({ base64: readFileSync(path).toString('base64') });

// one script for the page and its Web Workers (src/explorer/main.ts): the library's files it reads
// at run time embedded at their places under /permafrost-lab, and what its `require` calls ask for
const bundle = await esbuild.build({
  ...common, entryPoints: [src('explorer/main.ts')],
  plugins: [adapters({
    embedded: () => ({
      // version.ts reads the package's version from package.json
      [`${PACKAGE}/package.json`]: { text: JSON.stringify({ version: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version }) },
      [`${PACKAGE}/dist/geotiff/lzw.wasm`]: bytes(join(root, 'dist/geotiff/lzw.wasm')),
      [`${PACKAGE}/dist/geotiff/epsg.json.gz`]: bytes(join(root, 'dist/geotiff/epsg.json.gz')),
      // the worker pool looks for its script here; every worker runs the explorer's own script (worker_threads.ts)
      [`${PACKAGE}/dist/geotiff/decodeWorker.js`]: { text: '' },
    }),
    required: { 'world-atlas/countries-50m.json': true, 'world-atlas/land-110m.json': true, 'xz-decompress': true },
  })],
});
const script = bundle.outputFiles[0].text;

// explorer.js: the script gzipped, and a loader that inflates it (DecompressionStream) and runs it
// from a Blob URL, which the page's workers start from too; plotly.js as it is published
const packed = gzipSync(script, { level: 9 }).toString('base64');
const loader = `(function () {
  var bytes = Uint8Array.from(atob(${JSON.stringify(packed)}), function (c) { return c.charCodeAt(0); });
  new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).blob().then(function (code) {
    var url = self.permafrostExplorerScript = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    var s = document.createElement('script');
    s.src = url;
    document.head.appendChild(s);
  });
})();
`;

mkdirSync(out, { recursive: true });
const write = (name, text) => { writeFileSync(join(out, `${name}.tmp`), text); renameSync(join(out, `${name}.tmp`), join(out, name)); };
write('explorer.js', loader);
copyFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'), join(out, 'plotly.min.js'));
write('index.html', readFileSync(src('explorer/index.html'), 'utf8'));
const sizes = ['index.html', 'plotly.min.js', 'explorer.js'].map((f) => statSync(join(out, f)).size);
const total = sizes.reduce((a, b) => a + b, 0);
console.log(`explorer: dist/explorer/ ${(total / 1e6).toFixed(2)} MB (index.html ${(sizes[0] / 1e3).toFixed(0)} kB, plotly.min.js ${(sizes[1] / 1e6).toFixed(2)} MB, ` +
  `explorer.js ${(sizes[2] / 1e6).toFixed(2)} MB: the library's script, ${(script.length / 1e6).toFixed(2)} MB, gzipped)`);
if (total >= 6e6) { console.error(`explorer: ${total} bytes, over the 6 MB budget`); process.exitCode = 1; }
if (process.env.EXPLORER_ANALYZE) console.log(await esbuild.analyzeMetafile(bundle.metafile));
