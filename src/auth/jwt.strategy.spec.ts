import type { AppConfig } from '../config/app-config';
import { JwtStrategy } from './jwt.strategy';

describe('JwtStrategy.validate', () => {
  const strategy = new JwtStrategy({ jwt: { secret: 'x'.repeat(32) } } as AppConfig);

  it('turns the claims into the caller: numeric id and session id', () => {
    expect(strategy.validate({ sub: '12', sid: 'x' })).toEqual({ id: 12, sessionId: 'x' });
  });

  it('accepts the largest database id', () => {
    expect(strategy.validate({ sub: '2147483647', sid: 's' })).toEqual({ id: 2147483647, sessionId: 's' });
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
    expect(strategy.validate({ sub, sid: 's' })).toBe(false);
  });

  it('refuses a sub that is not a string', () => {
    expect(strategy.validate({ sub: 12 as unknown as string, sid: 's' })).toBe(false);
  });

  it('refuses claims without a string sid', () => {
    expect(strategy.validate({ sub: '12' })).toBe(false);
    expect(strategy.validate({ sub: '12', sid: 5 as unknown as string })).toBe(false);
  });
});
