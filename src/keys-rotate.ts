import './compile-cache';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { KeysCliModule } from './auth/keys/keys-cli.module';
import { SigningKeysService } from './auth/keys/signing-keys.service';
import { ProblemException } from './common/problems/problem.exception';
import { parseEnvironment } from './config/environment';
import { problems } from './i18n/messages/en/problems';

/**
 * npm run keys:rotate [-- --now]: publishes a new signing key in the database the service runs
 * on, as POST /api/signing-keys/rotate does, for an operator with a shell but no admin token.
 * Audited with no actor. With the embedded database, which is the running service's alone, use
 * the admin route instead.
 */
async function rotate(): Promise<number> {
  const environment = parseEnvironment(process.env);
  if (!environment.DATABASE_URL) {
    console.error('keys:rotate needs DATABASE_URL: the embedded database belongs to the running service; use POST /api/signing-keys/rotate');
    return 1;
  }
  const context = await NestFactory.createApplicationContext(KeysCliModule.forRoot(process.env), { logger: ['error', 'warn'] });
  try {
    const immediate = process.argv.includes('--now');
    const origin = { ip: 'local', userAgent: 'npm run keys:rotate', requestId: randomUUID() };
    const key = await context.get(SigningKeysService).rotate({ actorId: null, origin }, immediate);
    console.log(`Published ${key.algorithm} key ${key.kid}: it signs from ${key.signsFrom?.toISOString()}; the keys before it retire when their tokens have expired.`);
    return 0;
  } catch (error) {
    if (!(error instanceof ProblemException)) throw error;
    const extra = error.extensions?.signs_from ? ` (key ${error.extensions.kid} signs from ${error.extensions.signs_from})` : '';
    console.error(`keys:rotate: ${error.code}: ${problems.codes[error.code as keyof typeof problems.codes] ?? ''}${extra}`);
    return 1;
  } finally {
    await context.close();
  }
}

rotate().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`keys:rotate failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
