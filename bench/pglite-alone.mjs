// PGlite by itself, the floor of the service's start on the embedded database: opens the data
// folder given, runs `select 1`, writes "ready" to stdout, then closes. bench/cold-start.mjs
// times it from spawn to that line. `node bench/pglite-alone.mjs <data folder>`
import { createRequire } from 'node:module';

// The CommonJS build, the one the compiled service requires.
const { PGlite } = createRequire(import.meta.url)('@electric-sql/pglite');

const db = new PGlite(process.argv[2]);
await db.query('select 1');
process.stdout.write('ready\n');
await db.close();
