/** Socket errors of a server that is down, restarting or out of reach. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
/** SQLSTATEs of a server that cannot serve now: class 08, shutdowns, too many connections. */
const SERVER_STATES = /^(08...|57P0[123]|53300)$/;
/** node-postgres and its pool say it in words only. */
const DRIVER_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * TypeORM's word for a query on a transaction whose connection died: the pool released the
 * client mid-transaction, so the next statement of the same change meets this, not a socket error.
 */
const RELEASED_RUNNER = /^QueryRunner(Provider)?AlreadyReleasedError$/;

interface DriverError {
  code?: unknown;
  message?: unknown;
  name?: unknown;
  driverError?: unknown;
}

function saysUnavailable(error: DriverError | undefined): boolean {
  const { code, message, name } = error ?? {};
  return (
    (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_STATES.test(code))) ||
    (typeof message === 'string' && DRIVER_MESSAGES.test(message)) ||
    (typeof name === 'string' && RELEASED_RUNNER.test(name))
  );
}

/**
 * True when an error means the database cannot be reached, not that a query was wrong. TypeORM
 * wraps a failed query's driver error; a failed connection comes unwrapped.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const wrapped = error as DriverError | undefined;
  return saysUnavailable(wrapped) || saysUnavailable(wrapped?.driverError as DriverError | undefined);
}
