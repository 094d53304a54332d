// `npm run build`, after tsc: writes dist/geotiff/epsg.json.gz, the EPSG table the GeoTIFF reader
// ships (every projected and geographic 2D CRS of the EPSG registry as GDAL defines it, and the
// ellipsoids, datums, units and conversions that user-defined GeoKeys name). Made from PROJ's
// database through GDAL's Python bindings by epsg_table.py (python3-gdal, installed by setup), and
// made again only when that script, the Python or proj.db changed. Without GDAL's Python the build
// goes on with a warning: the reader then knows only its built-in codes and says so in its errors.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const script = join(root, 'environment', 'epsg_table.py');
const out = join(root, 'dist', 'geotiff', 'epsg.json.gz');
const stampFile = `${out}.stamp`;
const python = process.env.PERMAFROST_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

const projDb = spawnSync(python, ['-c', 'from osgeo import osr; import os; print(next((os.path.join(p, "proj.db") for p in osr.GetPROJSearchPaths() if os.path.exists(os.path.join(p, "proj.db"))), ""))'],
  { encoding: 'utf8' });
const db = projDb.status === 0 ? projDb.stdout.trim() : '';
if (!db) {
  console.warn('[build] warning: GDAL\'s Python bindings (python3-gdal) or PROJ\'s proj.db are missing: the EPSG table is not built, ' +
    'and the GeoTIFF reader knows only its built-in codes (run npm run setup, or set PERMAFROST_PYTHON)');
  process.exit(0);
}
const { size, mtimeMs } = statSync(db);
const stamp = createHash('sha256').update(readFileSync(script)).update(`${python}\n${db}\n${size}\n${mtimeMs}`).digest('hex');
if (existsSync(out) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) process.exit(0);

const run = spawnSync(python, [script, db], { encoding: 'utf8', maxBuffer: 1 << 28 });
if (run.status !== 0) {
  console.error(`[build] epsg_table.py failed:\n${run.stderr}`);
  process.exit(1);
}
const table = JSON.parse(run.stdout);
mkdirSync(join(root, 'dist', 'geotiff'), { recursive: true });
writeFileSync(`${out}.tmp`, gzipSync(run.stdout, { level: 9 }));
renameSync(`${out}.tmp`, out);
writeFileSync(stampFile, stamp);
console.log(`[build] EPSG table: ${Object.keys(table.crs).length} CRSs from ${table.source}`);
