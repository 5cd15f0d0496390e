// `npm start`'s build: src/ compiled to dist/ by swc as `nest build -b swc` compiles it (its swc
// options, no type checks: those are `npm run lint`'s and `npm run build`'s), with nest-cli.json's
// assets copied, in about a fifth of a second where the Nest CLI took 1.5 s, most of it loading
// itself (docs/decisions.md).
import { transformFile } from '@swc/core';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const SOURCES = join(ROOT, 'src');
const OUT = join(ROOT, 'dist');

/** The Nest CLI's swc options for a CommonJS project (@nestjs/cli swc-defaults.js), tsconfig.json's target. */
const OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true, dynamicImport: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
    target: 'es2023',
  },
  module: { type: 'commonjs' },
  sourceMaps: true,
  swcrc: false,
  configFile: false,
};

/** Files under src/ that `pattern` (nest-cli.json's `include`: a folder, then `*` and a suffix) names. */
function assetFiles(pattern) {
  const match = /^([\w./-]+)\/\*([\w.-]+)$/.exec(pattern);
  if (!match) throw new Error(`nest-cli.json: this build reads asset patterns like "folder/*.ext", not "${pattern}"`);
  const [, folder, suffix] = match;
  return readdirSync(join(SOURCES, folder))
    .filter((name) => name.endsWith(suffix))
    .map((name) => join(folder, name));
}

rmSync(OUT, { recursive: true, force: true });
const sources = readdirSync(SOURCES, { recursive: true }).filter(
  (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && !file.endsWith('.d.ts'),
);
// swc compiles them on its own threads, all at once.
await Promise.all(
  sources.map(async (file) => {
    const target = join(OUT, file.replace(/\.ts$/, '.js'));
    const { code, map } = await transformFile(join(SOURCES, file), {
      ...OPTIONS,
      outputPath: target,
      sourceFileName: relative(dirname(target), join(SOURCES, file)),
    });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${code}\n//# sourceMappingURL=${basename(target)}.map\n`);
    writeFileSync(`${target}.map`, map);
  }),
);
const { compilerOptions } = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8'));
for (const { include } of compilerOptions.assets) {
  for (const file of assetFiles(include)) {
    // A folder of assets alone (templates, say) has no compiled file to have made it.
    mkdirSync(dirname(join(OUT, file)), { recursive: true });
    copyFileSync(join(SOURCES, file), join(OUT, file));
  }
}
console.log(`swc: ${sources.length} files compiled to dist/`);
