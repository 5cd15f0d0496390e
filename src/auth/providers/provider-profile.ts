import { emailProblem, INVISIBLE, normalizeEmail } from '../../users/email-address';

/** What a provider says of the account that came back from it, as the service keeps it. */
export interface ProviderProfile {
  /** The provider's stable id of its account (`sub`; GitHub's numeric id). */
  subject: string;
  /** Its email, normalised as the service keeps addresses, or null when the provider gave none it could use. */
  email: string | null;
  /** Whether the provider says the email is its account holder's (verified). */
  emailVerified: boolean;
  /** A display name to start a new account with. */
  name: string | null;
}


/** Bounds what a provider's answer can make the service keep. */
const MAX_SUBJECT = 255;
const MAX_NAME = 100;

/** The profile of a provider's claims, or null when they lack a usable subject. */
export function providerProfile(claims: { sub?: unknown; email?: unknown; email_verified?: unknown; name?: unknown }): ProviderProfile | null {
  const subject = typeof claims.sub === 'number' ? String(claims.sub) : claims.sub;
  if (typeof subject !== 'string' || subject === '' || subject.length > MAX_SUBJECT) return null;
  // Normalised and checked as a sign-up's is: an address the service would refuse is no address.
  const normalized = typeof claims.email === 'string' ? normalizeEmail(claims.email) : undefined;
  const email = normalized !== undefined && emailProblem(normalized) === undefined ? normalized : null;
  // Some providers send the flag as a string.
  const emailVerified = email !== null && (claims.email_verified === true || claims.email_verified === 'true');
  const visible = typeof claims.name === 'string' ? claims.name.replace(new RegExp(INVISIBLE.source, 'gu'), '').trim().slice(0, MAX_NAME) : '';
  const name = visible === '' ? null : visible;
  return { subject, email, emailVerified, name };
}
