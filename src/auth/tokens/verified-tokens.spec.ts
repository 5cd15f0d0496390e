import { VerifiedTokens } from './verified-tokens';

const CALLER = { id: 12, sessionId: '0b7e7a4c-2f55-4c5e-9d4a-1f1f1f1f1f1f' };
const EXP = 2_000_000_000;

describe('VerifiedTokens', () => {
  it('answers the caller of a remembered token until the second of its exp', () => {
    const tokens = new VerifiedTokens(10);
    tokens.set('a.b.c', { ...CALLER }, EXP);
    expect(tokens.get('a.b.c', EXP * 1000 - 1)).toEqual(CALLER);
    expect(tokens.get('a.b.x', EXP * 1000 - 1)).toBeUndefined();
    expect(tokens.get('a.b.c', EXP * 1000)).toBeUndefined();
    // An expired entry goes at its first miss.
    expect(tokens.size).toBe(0);
  });

  it('keeps at most its capacity, the oldest going first', () => {
    const tokens = new VerifiedTokens(2);
    for (const token of ['t1', 't2', 't3']) tokens.set(token, { ...CALLER }, EXP);
    expect(tokens.size).toBe(2);
    expect(tokens.get('t1', 0)).toBeUndefined();
    expect(tokens.get('t2', 0)).toEqual(CALLER);
    expect(tokens.get('t3', 0)).toEqual(CALLER);
  });

  it('hands out a frozen caller: no request can change what the next one gets', () => {
    const tokens = new VerifiedTokens(1);
    tokens.set('a.b.c', { ...CALLER }, EXP);
    expect(Object.isFrozen(tokens.get('a.b.c', 0))).toBe(true);
  });
});
