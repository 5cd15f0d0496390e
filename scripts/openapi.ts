// Writes the OpenAPI document of the service to openapi.json (npm run openapi), or with
// --check fails when the committed file differs from what the code produces. Either way the
// document must validate as OpenAPI 3.
import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../src/app.factory';
import { openApiDocument } from '../src/swagger';

const FILE = join(__dirname, '..', 'openapi.json');

async function main(): Promise<void> {
  const app = await createApp({ DATA_DIR: 'memory://', LOG_LEVEL: 'silent', JWT_SECRET: 'openapi-generation-only' });
  const document = `${JSON.stringify(openApiDocument(app), null, 2)}\n`;
  await app.close();
  // Validates a copy: the parser resolves $refs in place.
  await SwaggerParser.validate(JSON.parse(document));
  if (!process.argv.includes('--check')) {
    writeFileSync(FILE, document);
    console.log(`wrote ${FILE}`);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(FILE, 'utf8');
  } catch {
    // missing: differs
  }
  if (committed !== document) {
    console.error('openapi.json is not what the code produces: run `npm run openapi` and commit it.');
    process.exit(1);
  }
  console.log('openapi.json matches the code.');
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
