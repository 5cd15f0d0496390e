import type { AuthenticatedUser } from '../../access/authenticated-user';

/**
 * The callers of access tokens already verified, by token, each until its `exp`: a client sends
 * the same token on every request of its 15 minutes. Bounded: past `capacity` the oldest entry
 * goes, so a flood of tokens only evicts entries.
 */
export class VerifiedTokens {
  private readonly callers = new Map<string, { caller: AuthenticatedUser; expiresAt: number }>();

  constructor(private readonly capacity: number) {}

  /** Returns the caller of `token` if it was verified and has not expired since, else undefined. */
  get(token: string, now = Date.now()): AuthenticatedUser | undefined {
    const entry = this.callers.get(token);
    if (entry === undefined) return undefined;
    // As the verifier: expired from the second of `exp` on.
    if (now < entry.expiresAt) return entry.caller;
    this.callers.delete(token);
    return undefined;
  }

  /** Remembers the caller of a verified token until `exp` (seconds since the epoch). */
  set(token: string, caller: AuthenticatedUser, exp: number): void {
    if (this.callers.size >= this.capacity && !this.callers.has(token)) {
      this.callers.delete(this.callers.keys().next().value as string);
    }
    // Frozen: every request of the token gets this one object.
    this.callers.set(token, { caller: Object.freeze(caller), expiresAt: exp * 1000 });
  }

  /** Forgets every token: a key was removed, and some of them may be its. */
  clear(): void {
    this.callers.clear();
  }

  get size(): number {
    return this.callers.size;
  }
}
