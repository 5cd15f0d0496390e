// Jest on Node 20 cannot require() ES modules, and NestJS 12 and several of its dependencies
// ship only those: every ES module, ours or a package's, is compiled to CommonJS here, and so
// is a CommonJS file with a dynamic import() (PGlite's), which Jest cannot run either. Any
// other package file passes through untouched. `import.meta` has no
// CommonJS meaning, so it is rewritten, and a module's own `const require = createRequire(...)`
// is dropped: CommonJS has one already.
const { createTransformer } = require('@swc/jest');

const swc = createTransformer(require('./swc-options.cjs'));

const ESM_SYNTAX = /^\s*(?:import\s*[\w{*'"]|export\s)|\bimport\s*\(/m;

const rewrite = (source) =>
  source
    .replace(/^\s*(?:const|let|var)\s+require\s*=\s*createRequire\([^)]*\);?/gm, '')
    .replace(/import\.meta\.url/g, "require('node:url').pathToFileURL(__filename).href")
    .replace(/import\.meta\.dirname/g, '__dirname')
    .replace(/import\.meta\.filename/g, '__filename');

const untouched = (source, path) => path.includes('/node_modules/') && !ESM_SYNTAX.test(source);

// Cached output depends on this file too, not only on the source and swc's options.
const SELF = require('node:crypto')
  .createHash('sha1')
  .update(require('node:fs').readFileSync(__filename))
  .digest('hex');

module.exports = {
  process: (source, path, options) =>
    untouched(source, path) ? { code: source } : swc.process(rewrite(source), path, options),
  getCacheKey: (source, path, options) => SELF + swc.getCacheKey(rewrite(source), path, options),
};
