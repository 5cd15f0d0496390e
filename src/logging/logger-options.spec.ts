import pino from 'pino';
import type { Options } from 'pino-http';
import { loggerOptions, REDACTED_PATHS } from './logger-options';

describe('loggerOptions', () => {
  const { pinoHttp, forRoutes } = loggerOptions('warn') as { pinoHttp: Options; forRoutes: unknown[] };

  it('logs at LOG_LEVEL, with no request lines of pino-http (a Fastify hook writes those)', () => {
    expect(pinoHttp.level).toBe('warn');
    expect(pinoHttp.autoLogging).toBe(false);
    expect(forRoutes).toEqual([]);
  });

  it('redacts the credential headers and every password and token field, top level and nested', () => {
    expect(REDACTED_PATHS).toEqual(
      expect.arrayContaining(['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]']),
    );
    for (const field of ['password', 'current_password', 'new_password', 'password_hash', 'refresh_token', 'access_token', 'token', 'mfa_token', 'secret', 'otpauth_uri', 'recovery_code', 'recovery_codes']) {
      expect(REDACTED_PATHS).toEqual(expect.arrayContaining([field, `*.${field}`, `*.*.${field}`]));
    }
    expect(pinoHttp.redact).toEqual({ paths: REDACTED_PATHS, censor: '[REDACTED]' });
  });

  it('keeps every secret out of a real pino log line', () => {
    const lines: string[] = [];
    const logger = pino({ redact: pinoHttp.redact as pino.LoggerOptions['redact'] }, { write: (line: string) => lines.push(line) });

    logger.info(
      {
        req: { headers: { authorization: 'Bearer secret-1', cookie: 'sid=secret-2', accept: 'application/json' } },
        res: { headers: { 'set-cookie': 'sid=secret-3' } },
        password: 'secret-4',
        body: { refresh_token: 'secret-5', name: 'Jane' },
        err: { response: { access_token: 'secret-6' } },
      },
      'request',
    );

    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/secret-\d/);
    const logged = JSON.parse(lines[0]);
    expect(logged.req.headers).toEqual({ authorization: '[REDACTED]', cookie: '[REDACTED]', accept: 'application/json' });
    expect(logged.body).toEqual({ refresh_token: '[REDACTED]', name: 'Jane' });
  });
});
