/**
 * Adds `value` to a statement's positional parameters and returns its placeholder (`$1`, `$2`,
 * ...): how a statement built in parts keeps every value out of its text.
 */
export function param(params: unknown[], value: unknown): string {
  return `$${params.push(value)}`;
}
