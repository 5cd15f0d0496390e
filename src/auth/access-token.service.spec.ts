import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { accessTokenJwtOptions } from './access-token.module';
import { AccessTokenService, bearerToken, callerFromClaims } from './access-token.service';

const SID = '0b7e7a4c-2f55-4c5e-9d4a-1f1f1f1f1f1f';
const EXP = Math.floor(Date.now() / 1000) + 900;

describe('callerFromClaims', () => {
  it('turns the claims into the caller: numeric id and session id', () => {
    expect(callerFromClaims({ sub: '12', sid: SID, exp: EXP })).toEqual({ id: 12, sessionId: SID });
  });

  it('accepts the largest database id', () => {
    expect(callerFromClaims({ sub: '2147483647', sid: SID, exp: EXP })).toEqual({ id: 2147483647, sessionId: SID });
  });

  it('accepts an upper-case UUID sid', () => {
    expect(callerFromClaims({ sub: '12', sid: SID.toUpperCase(), exp: EXP })).toEqual({ id: 12, sessionId: SID.toUpperCase() });
  });

  it.each([
    ['non-numeric', 'abc'],
    ['zero', '0'],
    ['negative', '-1'],
    ['fractional', '1.5'],
    ['zero-padded', '012'],
    ['empty', ''],
    ['just past the database integer', '2147483648'],
    ['huge (11 digits)', '99999999999'],
  ])('refuses a %s sub', (_label, sub) => {
    expect(callerFromClaims({ sub, sid: SID, exp: EXP })).toBeUndefined();
  });

  it('refuses a sub that is not a string', () => {
    expect(callerFromClaims({ sub: 12, sid: SID })).toBeUndefined();
  });

  it('refuses claims without a string sid', () => {
    expect(callerFromClaims({ sub: '12' })).toBeUndefined();
    expect(callerFromClaims({ sub: '12', sid: 5 })).toBeUndefined();
  });

  it.each([
    ['a short string', 'x'],
    ['SQL', "1' OR 1=1"],
    ['empty', ''],
    ['a UUID without dashes', SID.replaceAll('-', '')],
    ['a UUID in braces', `{${SID}}`],
    ['a UUID with a trailing newline', `${SID}\n`],
    ['a UUID with text after it', `${SID}' OR '1'='1`],
    ['a UUID with a non-hex digit', SID.replace('0', 'g')],
  ])('refuses a sid that is not a UUID: %s', (_label, sid) => {
    expect(callerFromClaims({ sub: '12', sid, exp: EXP })).toBeUndefined();
  });

  it('refuses a signed token without a numeric exp: it would never expire', () => {
    expect(callerFromClaims({ sub: '12', sid: SID })).toBeUndefined();
    expect(callerFromClaims({ sub: '12', sid: SID, exp: '9999999999' })).toBeUndefined();
  });

  it('refuses a payload that is not an object', () => {
    expect(callerFromClaims(null)).toBeUndefined();
    expect(callerFromClaims('{"sub":"12"}')).toBeUndefined();
  });
});

describe('AccessTokenService.callerOf', () => {
  const SECRET = 'k'.repeat(48);
  const config = AppConfig.fromEnvironment({ JWT_SECRET: SECRET });
  // The options AccessTokenModule registers: HS256, and iss and aud signed and required.
  const jwt = new JwtService(accessTokenJwtOptions(config));
  const tokens = new AccessTokenService(jwt);
  const claims = { sub: '12', sid: SID };
  const callerOf = (token: string) => tokens.callerOf({ headers: { authorization: `Bearer ${token}` } });
  /** Signed with the key and HS256, with only the iss and aud given (none by default). */
  const signedWith = (options: { issuer?: string; audience?: string | string[] }) =>
    new JwtService({ secret: config.jwt.key as unknown as Buffer }).sign(claims, {
      algorithm: 'HS256',
      expiresIn: 60,
      ...options,
    });
  const RIGHT = { issuer: 'user-accounts', audience: 'user-accounts' };

  it('names the caller of a token signed with the key, HS256, unexpired, with the right iss and aud', () => {
    const token = jwt.sign(claims, { expiresIn: 60, jwtid: randomUUID() });
    expect(jwt.decode(token)).toMatchObject({ iss: 'user-accounts', aud: 'user-accounts' });
    expect(callerOf(token)).toEqual({ id: 12, sessionId: SID });
    // The control for the iss and aud refusals below: the same signer, the right claims.
    expect(callerOf(signedWith(RIGHT))).toEqual({ id: 12, sessionId: SID });
  });

  it('refuses an expired token, another key, another algorithm, alg none, and no token', () => {
    const expired = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 1 });
    const otherKey = new JwtService({ secret: 'o'.repeat(48) }).sign(claims, { algorithm: 'HS256', expiresIn: 60, ...RIGHT });
    const hs512 = jwt.sign(claims, { algorithm: 'HS512', expiresIn: 60 });
    const [header, payload] = jwt.sign(claims, { expiresIn: 60 }).split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    for (const token of [expired, otherKey, hs512, none, `${header}.${payload}.`, 'not.a.token']) {
      expect([token, callerOf(token)]).toEqual([token, undefined]);
    }
    expect(tokens.callerOf({ headers: {} })).toBeUndefined();
  });

  it.each([
    ['without iss', { audience: RIGHT.audience }],
    ['with another iss', { ...RIGHT, issuer: 'another-service' }],
    ['with the iss in another case', { ...RIGHT, issuer: 'User-Accounts' }],
    ['without aud', { issuer: RIGHT.issuer }],
    ['with another aud', { ...RIGHT, audience: 'another-api' }],
    ['with only other auds', { ...RIGHT, audience: ['another-api', 'user-accounts-admin'] }],
    ['without iss and aud', {}],
  ])('refuses a token signed with the key %s', (_label, options) => {
    expect(callerOf(signedWith(options))).toBeUndefined();
  });

  it('requires the configured iss and aud, not the defaults', () => {
    const custom = AppConfig.fromEnvironment({ JWT_SECRET: SECRET, JWT_ISSUER: 'https://id.example.com', JWT_AUDIENCE: 'shop' });
    const customJwt = new JwtService(accessTokenJwtOptions(custom));
    const customTokens = new AccessTokenService(customJwt);
    const own = customJwt.sign(claims, { expiresIn: 60 });
    expect(jwt.decode(own)).toMatchObject({ iss: 'https://id.example.com', aud: 'shop' });
    expect(customTokens.callerOf({ headers: { authorization: `Bearer ${own}` } })).toEqual({ id: 12, sessionId: SID });
    // Same key, default iss and aud: a token for the other deployment.
    const other = jwt.sign(claims, { expiresIn: 60 });
    expect(customTokens.callerOf({ headers: { authorization: `Bearer ${other}` } })).toBeUndefined();
    expect(callerOf(own)).toBeUndefined();
  });

  it('refuses a signed token that lacks a claim it needs', () => {
    expect(callerOf(jwt.sign({ sub: '12' }, { expiresIn: 60 }))).toBeUndefined();
    expect(callerOf(jwt.sign(claims))).toBeUndefined();
  });
});

describe('bearerToken', () => {
  const token = 'aaa.bbb.ccc';
  const from = (authorization?: string) => bearerToken({ headers: { authorization } });

  it.each(['Bearer aaa.bbb.ccc', 'bearer aaa.bbb.ccc', 'BEARER   aaa.bbb.ccc'])('reads %s', (header) => {
    expect(from(header)).toBe(token);
  });

  it.each([undefined, '', 'Bearer', 'Basic aaa.bbb.ccc', 'Bearer aaa.bbb.ccc extra', 'Bearer aaa.bbb', 'xBearer aaa.bbb.ccc', 'Bearer\taaa.bbb.ccc'])(
    'finds no token in %p',
    (header) => {
      expect(from(header)).toBeNull();
    },
  );
});
