import type { AppConfig } from '../config/app-config';
import { JwtStrategy } from './jwt.strategy';

const SID = '0b7e7a4c-2f55-4c5e-9d4a-1f1f1f1f1f1f';

describe('JwtStrategy.validate', () => {
  const strategy = new JwtStrategy({ jwt: { secret: 'x'.repeat(32) } } as AppConfig);

  it('turns the claims into the caller: numeric id and session id', () => {
    expect(strategy.validate({ sub: '12', sid: SID })).toEqual({ id: 12, sessionId: SID });
  });

  it('accepts the largest database id', () => {
    expect(strategy.validate({ sub: '2147483647', sid: SID })).toEqual({ id: 2147483647, sessionId: SID });
  });

  it('accepts an upper-case UUID sid', () => {
    expect(strategy.validate({ sub: '12', sid: SID.toUpperCase() })).toEqual({ id: 12, sessionId: SID.toUpperCase() });
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
    expect(strategy.validate({ sub, sid: SID })).toBe(false);
  });

  it('refuses a sub that is not a string', () => {
    expect(strategy.validate({ sub: 12 as unknown as string, sid: SID })).toBe(false);
  });

  it('refuses claims without a string sid', () => {
    expect(strategy.validate({ sub: '12' })).toBe(false);
    expect(strategy.validate({ sub: '12', sid: 5 as unknown as string })).toBe(false);
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
    expect(strategy.validate({ sub: '12', sid })).toBe(false);
  });
});
