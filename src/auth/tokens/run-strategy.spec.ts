import passport, { Strategy } from 'passport';
import { runStrategy } from './run-strategy';

const CALLER = { id: 3, sessionId: '0b7e7a4c-2f55-4c5e-9d4a-1f1f1f1f1f1f' };

/** A strategy that decides as `decide` says, at once or after a timer (as one doing I/O would). */
class FakeStrategy extends Strategy {
  constructor(private readonly decide: (strategy: FakeStrategy) => void) {
    super();
  }

  authenticate(): void {
    this.decide(this);
  }
}

function register(name: string, decide: (strategy: FakeStrategy) => void): string {
  passport.use(name, new FakeStrategy(decide));
  return name;
}

describe('runStrategy', () => {
  it("answers at once what a strategy decides at once: the caller, or false for a failure or error", () => {
    expect(runStrategy(register('now-ok', (s) => s.success(CALLER)), {}, {})).toEqual(CALLER);
    expect(runStrategy(register('now-fail', (s) => s.fail('bad token', 401)), {}, {})).toBe(false);
    expect(runStrategy(register('now-error', (s) => s.error(new Error('unreadable'))), {}, {})).toBe(false);
  });

  it('answers a promise of what a strategy decides later', async () => {
    const later = register('later-ok', (s) => setTimeout(() => s.success(CALLER), 5));
    const decision = runStrategy(later, {}, {});
    expect(decision).toBeInstanceOf(Promise);
    await expect(decision).resolves.toEqual(CALLER);
    await expect(runStrategy(register('later-fail', (s) => setTimeout(() => s.fail(), 5)), {}, {})).resolves.toBe(false);
  });

  it('throws for a strategy passport does not know: a server fault, not a refusal', () => {
    expect(() => runStrategy('never-registered', {}, {})).toThrow(/Unknown authentication strategy/);
  });
});
