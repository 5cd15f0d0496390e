export const INT4_MAX = 2_147_483_647;

/** A database id written as decimal text: a positive integer within PostgreSQL's integer. */
export function parseId(text: string): number | undefined {
  const id = /^[1-9][0-9]{0,9}$/.test(text) ? Number(text) : NaN;
  return id <= INT4_MAX ? id : undefined;
}
