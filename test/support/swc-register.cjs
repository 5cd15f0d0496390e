// `node -r ./test/support/swc-register.cjs src/main.ts`: the service from its sources, each .ts
// file compiled by swc as it is required, with the jest transformer's options (NestJS's own ES
// modules Node 20 requires as they are). It replaces `-r ts-node/register/transpile-only`, whose
// TS_NODE_SWC=true ts-node 10 never read: TypeScript compiled every file, a third of a start's CPU
// (4 of 12 s on a busy machine), and ts-node's swc mode knows no ES2023 target.
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

const OPTIONS = require('./swc-options.cjs');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...OPTIONS, filename });
  module._compile(code, filename);
};
