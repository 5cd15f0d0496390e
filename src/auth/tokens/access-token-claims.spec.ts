import { bearerToken, callerFromClaims } from './access-token-claims';

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
