// What a notebook's type checker reads for `import … from 'permafrost-lab'` on every kernel start:
// tslab's TypeScript, its options, and the package's declarations. Nothing that a notebook never
// uses may come in with them (playwright-core's types were 2 MB of the 5.3 MB parsed).
import { createRequire } from 'node:module';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root, tempDir } from '../helpers.js';

const tmp = tempDir('permafrost-decl-');
afterAll(() => tmp.cleanup());

describe("the package's declarations, as a notebook's kernel reads them", () => {
  it('bring in neither playwright-core nor any @types package but node', () => {
    const require = createRequire(join(root, 'package.json'));
    const ts = require(require.resolve('@tslab/typescript-for-tslab', { paths: [dirname(require.resolve('tslab/package.json'))] }));
    mkdirSync(join(tmp.dir, 'node_modules'), { recursive: true });
    symlinkSync(root, join(tmp.dir, 'node_modules', 'permafrost-lab'));
    const cell = join(tmp.dir, 'cell.ts');
    writeFileSync(cell, "import { openDataset, show, mapFigure, saveFigure } from 'permafrost-lab';\nexport const names = [openDataset, show, mapFigure, saveFigure].length;\n");
    // tslab's options (converter.js), with the one the kernel sets through its type-root listing
    const program = ts.createProgram([cell], {
      module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true, target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'], declaration: true, skipLibCheck: true, noEmit: true, typeRoots: [join(root, 'node_modules', '@types')], types: ['node'],
    });
    const files: string[] = program.getSourceFiles().map((f: { fileName: string }) => f.fileName);
    expect(ts.getPreEmitDiagnostics(program).map((d: { messageText: unknown }) => d.messageText)).toEqual([]);
    expect(files.some((f) => f.includes('permafrost-lab/dist/index.d.ts') || f.endsWith('dist/index.d.ts'))).toBe(true);
    expect(files.filter((f) => f.includes('/playwright-core/'))).toEqual([]);
    const types = new Set(files.map((f) => /node_modules\/@types\/([^/]+)/.exec(f)?.[1]).filter(Boolean));
    expect([...types]).toEqual(['node']);
  }, 60_000);
});
