import nodeModule from 'node:module';

// Imported first by main.ts. From Node 22.1 on, V8's compiled code of every module loaded after
// this is kept in a folder (the OS's temporary one, or NODE_COMPILE_CACHE) and read back by the
// next start instead of compiling again (docs/decisions.md). Node 20 has no such function.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
