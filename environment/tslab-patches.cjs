#!/usr/bin/env node
// The change to tslab's own files that its exports cannot reach (the launcher wraps everything
// else at run time, see tslab-protocol.cjs). `npm run setup` applies them after installing the node
// modules; each is a literal replacement, applied once (a second run changes nothing), and a tslab
// whose text differs from what a patch was written against stops setup with a message instead of
// being patched blindly. The launcher checks them at start (`missingPatches`).
//
//   node environment/tslab-patches.cjs            patch this checkout's tslab
//   node environment/tslab-patches.cjs --check    exit 1, naming them, when patches are missing
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const patches = [
  {
    name: 'names',
    file: 'dist/converter.js',
    // Why: tslab runs each cell as a function of its own and reaches an earlier cell's names through
    // `exports.<name>`. Two kinds of reference it left alone broke "later cells see the latest value":
    //  - a shorthand property: `const zz = 5` in one cell, then `JSON.stringify({ zz })` in the next,
    //    threw "ReferenceError: zz is not defined" (the checker gives the property's own symbol for
    //    that name); it becomes `{ zz: exports.zz }` (`{ zz: exports.zz = 1 } = o` in an assignment);
    //  - a cell's own top-level variables, read or written by a function of that cell or after their
    //    statement: `const limit = 0; const frozen = (v) => v < limit` kept limit = 0 after a later
    //    cell declared `const limit = -1`, and `let n = 0; const inc = () => ++n` counted in a copy
    //    that a later cell's `n = 10` never reached. They now go through `exports` too (inside their
    //    own statement they stay local, as its initialisers run before `exports` has them).
    // Tested by test/environment/kernel.test.ts ("shares names across cells as one script does").
    find: `        // Wrap identifiers to previous variables with exports.
        function wrapPrevIdentifier(node) {
            var _a, _b;
            if (!ts.isIdentifier(node)) {
                return ts.visitEachChild(node, wrapPrevIdentifier, nullTransformationContext);
            }
            if (node.parent &&
                ts.isPropertyAccessExpression(node.parent) &&
                node.parent.name === node) {
                return node;
            }
            let prev = false;
            for (const decl of (_b = (_a = checker.getSymbolAtLocation(node)) === null || _a === void 0 ? void 0 : _a.declarations) !== null && _b !== void 0 ? _b : []) {
                if (decl.getSourceFile() === declsFile) {
                    prev = true;
                    break;
                }
            }
            if (!prev) {
                return node;
            }
            return ts.factory.createPropertyAccessExpression(ts.factory.createIdentifier("exports"), node);
        }
`,
    replace: `        // Wrap identifiers to previous variables with exports.
        // permafrost-lab patch "names" (environment/tslab-patches.cjs): also shorthand properties, and
        // this cell's own top-level variables where a later cell may have changed them
        function wrapPrevIdentifier(node) {
            if (ts.isExportDeclaration(node)) {
                return node;
            }
            if (ts.isShorthandPropertyAssignment(node) && isSharedName(checker.getShorthandAssignmentValueSymbol(node), node)) {
                const name = ts.idText(node.name);
                const init = node.objectAssignmentInitializer;
                return ts.factory.createPropertyAssignment(name, init
                    ? ts.factory.createAssignment(exportsDot(name), ts.visitNode(init, wrapPrevIdentifier))
                    : exportsDot(name));
            }
            if (!ts.isIdentifier(node)) {
                return ts.visitEachChild(node, wrapPrevIdentifier, nullTransformationContext);
            }
            if (node.parent &&
                ts.isPropertyAccessExpression(node.parent) &&
                node.parent.name === node) {
                return node;
            }
            return isSharedName(checker.getSymbolAtLocation(node), node) ? exportsDot(ts.idText(node)) : node;
        }
        function exportsDot(name) {
            return ts.factory.createPropertyAccessExpression(ts.factory.createIdentifier("exports"), name);
        }
        // True when node must reach symbol through exports: a name of an earlier cell, or a top-level
        // variable of this cell used after its statement or inside a function
        function isSharedName(symbol, node) {
            const decls = (symbol && symbol.declarations) || [];
            if (decls.some((d) => d.getSourceFile() === declsFile)) {
                return true;
            }
            const decl = symbol && symbol.valueDeclaration;
            const original = ts.getOriginalNode(node);
            if (!decl || !original.parent || decl.getSourceFile().fileName !== srcFilename || original.getSourceFile().fileName !== srcFilename) {
                return false;
            }
            let stmt = decl;
            while (stmt && !ts.isVariableStatement(stmt) && !ts.isFunctionLike(stmt) && !ts.isSourceFile(stmt)) {
                stmt = stmt.parent;
            }
            if (!stmt || !ts.isVariableStatement(stmt) || !ts.isSourceFile(stmt.parent)) {
                return false;
            }
            if (original.pos >= stmt.end) {
                return true;
            }
            if (original.pos >= stmt.pos) {
                return false;
            }
            for (let p = original.parent; p && !ts.isSourceFile(p); p = p.parent) {
                if (ts.isFunctionLike(p) || ts.isClassStaticBlockDeclaration(p) || ts.isPropertyDeclaration(p)) {
                    return true;
                }
            }
            return false;
        }
`,
  },
];

/** The tslab folder this checkout uses. */
function tslabDir(root = path.resolve(__dirname, '..')) {
  return path.dirname(require.resolve('tslab/package.json', { paths: [root] }));
}

/** Names of the patches not (yet) in tslab's files. */
function missingPatches(dir = tslabDir()) {
  return patches.filter((p) => !fs.readFileSync(path.join(dir, p.file), 'utf8').includes(p.replace)).map((p) => p.name);
}

/** Applies every patch not yet applied; throws, naming the patch, when tslab's text is not what it expects. */
function applyPatches(dir = tslabDir()) {
  const applied = [];
  for (const p of patches) {
    const file = path.join(dir, p.file);
    const text = fs.readFileSync(file, 'utf8');
    if (text.includes(p.replace)) continue;
    const at = text.indexOf(p.find);
    if (at < 0 || text.indexOf(p.find, at + 1) >= 0) {
      const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
      throw new Error(`tslab ${version}: patch "${p.name}" does not fit ${file} (written for tslab 1.0.22); update environment/tslab-patches.cjs`);
    }
    fs.writeFileSync(`${file}.tmp`, text.slice(0, at) + p.replace + text.slice(at + p.find.length));
    fs.renameSync(`${file}.tmp`, file);
    applied.push(p.name);
  }
  return applied;
}

module.exports = { patches, tslabDir, missingPatches, applyPatches };

if (require.main === module) {
  try {
    if (process.argv.includes('--check')) {
      const missing = missingPatches();
      if (missing.length) { process.stderr.write(`tslab lacks the patches: ${missing.join(', ')} (run npm run setup)\n`); process.exit(1); }
    } else {
      const applied = applyPatches();
      process.stdout.write(applied.length ? `[setup] tslab patched: ${applied.join(', ')}\n` : '[setup] tslab patches in place\n');
    }
  } catch (err) {
    process.stderr.write(`[setup] ${err.message}\n`);
    process.exit(1);
  }
}
