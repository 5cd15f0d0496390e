// Jest on Node 20 cannot require() ESM packages (NestJS 12 is ESM-only), so those packages
// are compiled to CommonJS too; `import.meta` has no CommonJS meaning, so it is rewritten.
const { createTransformer } = require('@swc/jest');

const swc = createTransformer({
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
});

const importMeta = (source) =>
  source
    .replace(/import\.meta\.url/g, "require('node:url').pathToFileURL(__filename).href")
    .replace(/import\.meta\.dirname/g, '__dirname')
    .replace(/import\.meta\.filename/g, '__filename');

module.exports = {
  ...swc,
  process: (source, path, options) => swc.process(importMeta(source), path, options),
  getCacheKey: (source, path, options) => swc.getCacheKey(importMeta(source), path, options),
};
