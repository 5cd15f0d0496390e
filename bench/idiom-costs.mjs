// What each departure of the request path from Nest's defaults saves today: the service's code
// and Nest's own way side by side in one process, in alternating batches, µs a call as the median
// of the pairs' differences (docs/decisions.md weighs each against the CPU of a request). One
// process and short alternating batches: the machine's other load falls on both sides alike, where
// two services compared by bench/cpu-per-request.mjs differ by ±10% between identical builds.
//
//   npm run build && node bench/idiom-costs.mjs [pairs=200]
//
// queryRows needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InterceptorsConsumer } from '@nestjs/core/interceptors/interceptors-consumer.js';
import { RouterResponseController } from '@nestjs/core/router/router-response-controller.js';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { createRequire } from 'node:module';
import passport from 'passport';
import { isObservable, tap } from 'rxjs';
import { DataSource } from 'typeorm';

const require = createRequire(import.meta.url);
const dist = new URL('../dist/', import.meta.url).pathname;
const { entityTagHeader, entityTagOf, withEntityTag } = require(`${dist}common/http/entity-tag.js`);
const { queryRows } = require(`${dist}database/query-rows.js`);
const { StrictValidationPipe } = require(`${dist}common/validation/validation.pipe.js`);
const { UpdateProfileDto } = require(`${dist}users/dto/update-profile.dto.js`);
const { USER_FIELD_HINTS } = require(`${dist}users/dto/field-hints.js`);
const { UsersController } = require(`${dist}users/users.controller.js`);
const { RateLimitThrottler } = require(`${dist}auth/lockout/rate-limit.throttler.js`);
const { RATE_LIMITED } = require(`${dist}access/rate-limited.decorator.js`);
const { IS_PUBLIC } = require(`${dist}access/public.decorator.js`);
const { JwtStrategy, JWT_STRATEGY } = require(`${dist}auth/tokens/jwt.strategy.js`);
const { AccessTokensService } = require(`${dist}auth/tokens/access-tokens.service.js`);
const { SigningKeysService } = require(`${dist}auth/keys/signing-keys.service.js`);
const { JwtAuthGuard } = require(`${dist}auth/jwt-auth.guard.js`);
const { AppConfig } = require(`${dist}config/app-config.js`);
const { validateSync } = require('class-validator');

const PAIRS = Number(process.argv[2] ?? 200);
const adminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** CPU µs a call of `run(i)`, `concurrency` callers at once, over `calls` calls. */
async function cpuPerCall(run, calls, concurrency, start) {
  const before = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) await run(start + next++);
    }),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

/** The service's way against Nest's, alternating batches; µs a call of each and the median difference. */
async function weigh(label, ours, nests, { calls = 500, concurrency = 1, perRequest }) {
  let i = 0;
  await cpuPerCall(ours, calls * 4, concurrency, (i += calls * 4));
  await cpuPerCall(nests, calls * 4, concurrency, (i += calls * 4));
  const a = [];
  const b = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    // The order swaps each pair: neither side always follows the other.
    const first = pair % 2 === 0;
    const x = await cpuPerCall(first ? ours : nests, calls, concurrency, (i += calls));
    const y = await cpuPerCall(first ? nests : ours, calls, concurrency, (i += calls));
    a.push(first ? x : y);
    b.push(first ? y : x);
  }
  const saved = median(b.map((value, k) => value - a[k]));
  console.log(
    `${label.padEnd(52)} ours ${String(round(median(a))).padStart(6)} µs, Nest's ${String(round(median(b))).padStart(6)} µs: ` +
      `${round(saved)} µs a call; ${perRequest}`,
  );
  return saved;
}

// ------------------------------------------------------------------ a route as guards see it
const reflector = new Reflector();
const context = (request = {}) => ({
  getHandler: () => UsersController.prototype.get,
  getClass: () => UsersController,
  switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({ header() {} }) }),
});
const routeContext = context();

/** As Nest's GuardsConsumer takes a guard's answer: a boolean at once, anything else awaited. */
async function consumeGuard(guard) {
  const result = guard.canActivate(routeContext);
  if (typeof result === 'boolean') return result;
  const value = await result;
  return isObservable(value) ? false : value;
}

// 1. Metadata: Reflector on every read, or a map filled at the first read of each route.
{
  const cache = new Map();
  const cached = (key) => {
    const handler = routeContext.getHandler();
    let value = cache.get(handler);
    if (value === undefined && !cache.has(handler)) cache.set(handler, (value = reflector.getAllAndOverride(key, [handler, routeContext.getClass()])));
    return value;
  };
  const direct = (key) => reflector.getAllAndOverride(key, [routeContext.getHandler(), routeContext.getClass()]);
  await weigh('route metadata: a map / Reflector', () => cached(IS_PUBLIC), () => direct(IS_PUBLIC), {
    calls: 5000,
    perRequest: '3 reads a GET or PUT /users (access token, roles, rate limit)',
  });
}

// 2. Rate limit: a guard that passes other routes at once, or ThrottlerGuard skipping them itself.
{
  const options = { throttlers: [{ ttl: 60_000, limit: 10 }] };
  const storage = new ThrottlerStorageService();
  const throttler = new RateLimitThrottler(options, storage, reflector);
  await throttler.onModuleInit();
  // The route's flag read once, as the wrapper did through its metadata cache.
  let limited;
  const wrapper = {
    canActivate(ctx) {
      if (limited === undefined) limited = reflector.getAllAndOverride(RATE_LIMITED, [ctx.getHandler(), ctx.getClass()]) === true;
      return limited ? throttler.canActivate(ctx) : true;
    },
  };
  await weigh('rate limit, other routes: a wrapper / ThrottlerGuard', () => consumeGuard(wrapper), () => consumeGuard(throttler), {
    calls: 2000,
    perRequest: '1 a request',
  });
  storage.onApplicationShutdown?.();
}

// 3. ETag: a preSerialization hook reading a symbol of the body, or a Nest interceptor.
{
  const consumer = new InterceptorsConsumer();
  const responses = new RouterResponseController({});
  const reply = { header: () => reply };
  const interceptor = {
    intercept: (ctx, next) =>
      next.handle().pipe(
        tap((body) => {
          const tag = entityTagOf(body);
          if (tag !== undefined) ctx.switchToHttp().getResponse().header('ETag', tag);
        }),
      ),
  };
  const handler = () => async () => withEntityTag({ id: 1, name: 'A' }, '"3"');
  const args = [{}, reply, undefined];
  const viaHook = async () => {
    const body = await responses.transformToResult(await consumer.intercept([], args, {}, () => {}, handler(), 'http'));
    entityTagHeader.call(undefined, {}, reply, body, () => {});
  };
  const viaInterceptor = async () => responses.transformToResult(await consumer.intercept([interceptor], args, {}, () => {}, handler(), 'http'));
  await weigh('ETag: a preSerialization hook / an interceptor', viaHook, viaInterceptor, { calls: 1000, perRequest: '1 a request' });
}

// 4. Validation: ValidationPipe's validate (class-validator's, through promises) or validateSync.
{
  class SyncPipe extends StrictValidationPipe {
    validate(object, options) {
      return validateSync(object, options);
    }
  }
  const nests = new StrictValidationPipe(USER_FIELD_HINTS);
  const sync = new SyncPipe(USER_FIELD_HINTS);
  if (!(nests instanceof ValidationPipe)) throw new Error('StrictValidationPipe is no longer a ValidationPipe');
  const body = { type: 'body', metatype: UpdateProfileDto };
  await weigh('validation: validateSync / ValidationPipe\'s validate', (i) => sync.transform({ name: `Bench ${i}` }, body), (i) => nests.transform({ name: `Bench ${i}` }, body), {
    calls: 500,
    // Negative: the service's way costs the more.
    perRequest: '1 a PUT /users (a GET has no body)',
  });
}

// 5. Access tokens: a remembered token, or the verification of one not seen before (EdDSA, jose).
const { generateKeyPairSync } = require('node:crypto');
const signingJwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
const config = AppConfig.fromEnvironment({ JWT_PRIVATE_KEYS: JSON.stringify([signingJwk]), JWT_EXPIRES_IN: '1h' });
const signingKeys = new SigningKeysService(config, {});
await signingKeys.onModuleInit();
const accessTokens = new AccessTokensService(signingKeys, config);
new JwtStrategy(accessTokens, signingKeys);
const SID = '0b7e7a4c-2f55-4c5e-9d4a-1f1f1f1f1f1f';
const sign = (claims) => accessTokens.sign(claims);
const remembered = await Promise.all(Array.from({ length: 100 }, (_, i) => sign({ sub: String(i + 1), sid: SID })));
{
  // One token a call, signed beforehand: (pairs + warm-up) × 200 calls.
  const fresh = await Promise.all(Array.from({ length: (PAIRS + 8) * 200 }, (_, i) => sign({ sub: String((i % 1000) + 1), sid: SID })));
  const authenticate = (token) =>
    new Promise((resolve, reject) =>
      passport.authenticate(JWT_STRATEGY, { session: false }, (error, user) => (user ? resolve(user) : reject(error ?? new Error('refused'))))(
        { headers: { authorization: `Bearer ${token}` } },
        {},
        reject,
      ),
    );
  let n = 0;
  await weigh('access token: remembered / verified (EdDSA, jose)', (i) => authenticate(remembered[i % 100]), () => authenticate(fresh[n++]), {
    calls: 200,
    perRequest: '1 a request',
  });
}

// 6. The access-token guard: @nestjs/passport's AuthGuard, or passport run without a promise when
// the strategy decides at once (run-strategy.ts until issue 23), on a remembered token.
{
  const guard = new JwtAuthGuard(reflector, { touch() {} }, config);
  const runStrategy = (request) => {
    let decision;
    passport.authenticate(JWT_STRATEGY, { session: false }, (error, user) => (decision = error ? false : user || false))(request, {}, () => {});
    return decision;
  };
  const direct = {
    canActivate(ctx) {
      const request = ctx.switchToHttp().getRequest();
      if (reflector.getAllAndOverride(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()]) && request.headers.authorization === undefined) return true;
      request.user = runStrategy(request);
      if (!request.user) throw new Error('401');
      return true;
    },
  };
  const contexts = remembered.map((token) => context({ headers: { authorization: `Bearer ${token}` } }));
  const consume = async (g, i) => {
    const result = g.canActivate(contexts[i % contexts.length]);
    return typeof result === 'boolean' ? result : await result;
  };
  await weigh('access-token guard: passport without a promise / AuthGuard', (i) => consume(direct, i), (i) => consume(guard, i), {
    calls: 1000,
    perRequest: '1 a request',
  });
}

// 7. SQL outside a transaction: straight to pg's pool, or TypeORM's manager.query.
{
  const source = new DataSource({ type: 'postgres', url: adminUrl, extra: { max: 10 } });
  await source.initialize();
  const sql = 'SELECT $1::int AS id, now() AS at, $2::text AS name';
  await weigh(
    'SQL: queryRows to the pool / manager.query',
    (i) => queryRows(source.manager, sql, [i, 'x']),
    (i) => source.manager.query(sql, [i, 'x']),
    { calls: 400, concurrency: 20, perRequest: '1 statement a GET or PUT /users' },
  );
  await source.destroy();
}
