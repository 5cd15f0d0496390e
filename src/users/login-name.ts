/**
 * A login name (an email or a username) as the account lookup and the login lockout both read
 * it: trimmed, NFKC (fullwidth letters, the Kelvin sign, `ſ`), lower-cased. The lookup compares
 * it with `lower(email)` or `lower(username)`, which for the ASCII that stored names are made
 * of gives what this gives; a name that is not ASCII after this (`İ` becomes `i̇`, `ı` stays)
 * then matches no account, and has a lockout key of its own that guards nothing.
 */
export function normalizeLoginName(name: string): string {
  return name.trim().normalize('NFKC').toLowerCase();
}
