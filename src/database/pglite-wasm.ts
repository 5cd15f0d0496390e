import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** PGlite's WebAssembly module, once compilePgliteWasm has been called. */
let compiled: Promise<WebAssembly.Module | undefined> | undefined;

/**
 * Starts compiling PGlite's WebAssembly (9 MB) on V8's background threads. main.ts calls it
 * before it loads the application's modules, which keep the main thread busy meanwhile; PGlite
 * would otherwise compile it when the database opens, on the path to the first answer.
 */
export function compilePgliteWasm(): void {
  if (compiled) return;
  // Should either step fail, PGlite compiles its own and reports whatever is wrong.
  try {
    const wasm = readFileSync(join(dirname(require.resolve('@electric-sql/pglite')), 'pglite.wasm'));
    compiled = WebAssembly.compile(wasm).catch(() => undefined);
  } catch {
    compiled = Promise.resolve(undefined);
  }
}

/** The module compilePgliteWasm compiled, or undefined when it was not called (PGlite compiles its own). */
export async function compiledPgliteWasm(): Promise<WebAssembly.Module | undefined> {
  return compiled;
}
