import passport from 'passport';
import type { AuthenticatedUser } from '../../access/authenticated-user';

/** What a strategy decided: the caller, or false for none (no credential, or a bad one). */
export type Decision = AuthenticatedUser | false;

/**
 * Runs one registered passport strategy on a request, without a session. A strategy that
 * decides at once (JwtStrategy: no I/O) answers at once, so the guard needs no promise on
 * every request; one that decides later (an OpenID Connect provider, say) answers a promise.
 */
export function runStrategy(name: string, request: object, response: object): Decision | Promise<Decision> {
  let decision: Decision | undefined;
  let fault: unknown;
  let later: { resolve(decision: Decision): void; reject(error: unknown): void } | undefined;
  const decide = (error: unknown, user: Decision | undefined) => {
    // A strategy error (a token its library could not read) refuses like a bad credential.
    decision = error ? false : user || false;
    later?.resolve(decision);
  };
  // passport calls `next` only for a strategy it does not know: a server fault, not a 401.
  const next = (error: unknown) => {
    fault = error ?? new Error(`passport did not run strategy "${name}"`);
    later?.reject(fault);
  };
  passport.authenticate(name, { session: false }, decide)(request, response, next);
  if (fault !== undefined) throw fault;
  if (decision !== undefined) return decision;
  return new Promise((resolve, reject) => (later = { resolve, reject }));
}
