import type { Params } from 'nestjs-pino';

/**
 * Anything that could carry a secret, wherever it turns up in a log line: credentials in
 * headers, and every password or token field of a body or an error. Request lines carry no
 * headers or bodies at all; this is the net under that.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...[
    'password',
    'current_password',
    'new_password',
    'password_hash',
    'access_token',
    'refresh_token',
    'token',
    // The second factor's: a waiting login's token, an app's secret (and the URI that holds it), recovery codes.
    'mfa_token',
    'secret',
    'otpauth_uri',
    'recovery_code',
    'recovery_codes',
  ].flatMap(
    (field) => [field, `*.${field}`, `*.*.${field}`],
  ),
];

/**
 * Pretty, coloured lines for a person at a terminal (`npm start`): pino-pretty, in a worker
 * thread of pino's. Never in production, where the lines go to a collector.
 */
const PRETTY = {
  target: 'pino-pretty',
  options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true },
};

/**
 * JSON lines through pino for everything Nest logs, or pretty ones when `pretty`; request
 * lines come from request-logging.ts.
 */
export function loggerOptions(level: string, pretty = false): Params {
  return {
    pinoHttp: {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      autoLogging: false,
      ...(pretty && { transport: PRETTY }),
    },
    // Request lines are written by a Fastify hook, which knows the route and the request id.
    forRoutes: [],
  };
}
