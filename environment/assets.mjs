// `npm run build`, after tsc: copies the files the built package reads at run time that tsc does not
// emit (the benchmark's Python anchors, src/**/*.py) to the same place under dist/, so that an
// installed copy reads nothing from src/. `node environment/assets.mjs FOLDER` copies them under FOLDER
// instead (the tests' build).
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const file of readdirSync(join(root, 'src'), { recursive: true }).map(String).filter((f) => f.endsWith('.py'))) {
  const to = join(process.argv[2] ?? join(root, 'dist'), file);
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(join(root, 'src', file), to);
}
