// What signing and verifying one access token costs with each algorithm the service may use
// (issue 27): HS256 (JWT_SECRET), ES256 (P-256) and EdDSA (Ed25519, the default), with the
// service's own AccessTokensService (fast-jwt under the key its kid names, the header checked
// first: the built dist/), with jose (what another team's service would use; WebCrypto, which Node
// runs on libuv's thread pool), and with node:crypto alone (the JWS compact form by hand: the
// floor under any library). Before issue 27 the service signed HS256 with jsonwebtoken, which has
// no EdDSA: 10 µs to sign, 11 to verify, here.
//
//   npm run build && node bench/token-algorithms.mjs
//
// One process, one token after another, the service's claims; each figure is the median of 5
// rounds of ROUNDS tokens, in microseconds a token. Writes bench/token-algorithms.json.
import { createHmac, createSecretKey, generateKeyPairSync, randomBytes, randomUUID, sign, verify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { jwtVerify, SignJWT } from 'jose';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const dist = new URL('../dist/', import.meta.url).pathname;
const { AppConfig } = require(`${dist}config/app-config.js`);
const { SigningKeysService } = require(`${dist}auth/keys/signing-keys.service.js`);
const { AccessTokensService } = require(`${dist}auth/tokens/access-tokens.service.js`);

const ROUNDS = Number(process.env.BENCH_TOKENS || 2000);
const ISSUER = 'user-accounts';
const claims = () => ({ sub: '42', sid: randomUUID(), auth_time: Math.floor(Date.now() / 1000), amr: ['pwd'], email_verified: true });

const keys = {
  HS256: (() => {
    const key = createSecretKey(randomBytes(48));
    return { signing: key, verifying: key };
  })(),
  ES256: (() => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { signing: privateKey, verifying: publicKey };
  })(),
  EdDSA: (() => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return { signing: privateKey, verifying: publicKey };
  })(),
};

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Microseconds a call of `work`, the median of 5 rounds (after one to warm up). */
async function perToken(work) {
  const rounds = [];
  for (let round = 0; round < 6; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < ROUNDS; i++) await work(i);
    if (round > 0) rounds.push(Number(process.hrtime.bigint() - started) / 1000 / ROUNDS);
  }
  return Math.round(median(rounds) * 10) / 10;
}

const results = {};
for (const [alg, { signing, verifying }] of Object.entries(keys)) {
  const kid = 'k1';
  const joseSign = () =>
    new SignJWT(claims()).setProtectedHeader({ alg, kid, typ: 'JWT' }).setIssuer(ISSUER).setAudience(ISSUER).setIssuedAt().setExpirationTime('15m').setJti(randomUUID()).sign(signing);
  const tokens = await Promise.all(Array.from({ length: ROUNDS }, joseSign));
  const verifyOptions = { algorithms: [alg], issuer: ISSUER, audience: ISSUER, requiredClaims: ['exp'] };
  results[alg] = {
    jose: {
      signMicroseconds: await perToken(joseSign),
      verifyMicroseconds: await perToken((i) => jwtVerify(tokens[i], verifying, verifyOptions)),
    },
  };
  // The service's signer and verifier, on this key as JWT_PRIVATE_KEYS (or JWT_SECRET) would give it.
  const env = alg === 'HS256' ? { JWT_ALGORITHM: 'HS256', JWT_SECRET: signing.export().toString('base64url') } : { JWT_PRIVATE_KEYS: JSON.stringify([signing.export({ format: 'jwk' })]) };
  const config = AppConfig.fromEnvironment(env);
  const signingKeys = new SigningKeysService(config, {});
  await signingKeys.onModuleInit();
  const service = new AccessTokensService(signingKeys, config);
  const serviceTokens = await Promise.all(Array.from({ length: ROUNDS }, () => service.sign(claims())));
  if (!(await service.verify(serviceTokens[0]))) throw new Error(`${alg}: the service does not verify its own token`);
  results[alg].service = {
    signMicroseconds: await perToken(() => service.sign(claims())),
    verifyMicroseconds: await perToken((i) => service.verify(serviceTokens[i])),
  };
  // The floor: the signature alone over the token's first two parts, as a JWS has it.
  const input = tokens[0].slice(0, tokens[0].lastIndexOf('.'));
  const signature = Buffer.from(tokens[0].slice(tokens[0].lastIndexOf('.') + 1), 'base64url');
  const ecdsa = { dsaEncoding: 'ieee-p1363' };
  const rawSign = {
    HS256: () => createHmac('sha256', signing).update(input).digest(),
    ES256: () => sign('sha256', Buffer.from(input), { key: signing, ...ecdsa }),
    EdDSA: () => sign(null, Buffer.from(input), signing),
  }[alg];
  const rawVerify = {
    HS256: () => createHmac('sha256', verifying).update(input).digest().equals(signature),
    ES256: () => verify('sha256', Buffer.from(input), { key: verifying, ...ecdsa }, signature),
    EdDSA: () => verify(null, Buffer.from(input), verifying, signature),
  }[alg];
  if (!rawVerify()) throw new Error(`${alg}: node:crypto does not verify jose's signature`);
  results[alg]['node:crypto'] = { signMicroseconds: await perToken(rawSign), verifyMicroseconds: await perToken(rawVerify) };
  results[alg].tokenBytes = tokens[0].length;
}

const report = { at: new Date().toISOString(), node: process.version, tokensPerRound: ROUNDS, results };
writeFileSync(new URL('./token-algorithms.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
for (const [alg, result] of Object.entries(results)) {
  const libraries = Object.entries(result)
    .filter(([name]) => name !== 'tokenBytes')
    .map(([name, cost]) => `${name}: sign ${cost.signMicroseconds} µs, verify ${cost.verifyMicroseconds} µs`);
  console.log(`${alg.padEnd(6)} ${result.tokenBytes} bytes; ${libraries.join('; ')}`);
}
