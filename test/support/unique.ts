/**
 * Names a test makes for itself. Suites share their application within a file (and a database
 * server with other files): an address or a name another test made already would be a conflict,
 * not the case under test.
 */

/** Eight random lower-case letters and digits. */
export const randomSuffix = () => Math.random().toString(36).slice(2, 10);

/** A new address at example.com, `prefix-` and a random suffix: the prefix tells which test made it. */
export const uniqueEmail = (prefix: string) => `${prefix}-${randomSuffix()}@example.com`;
