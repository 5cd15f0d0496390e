import { ArgumentsHost, HttpException, HttpStatus, Logger, NotFoundException } from '@nestjs/common';
import { markBearerRequired } from '../problems/bearer-challenge';
import { ErrorCode } from '../problems/error-code.enum';
import { toProblem } from '../problems/to-problem';
import { ProblemDetailsFilter } from './problem-details.filter';
import { problem, ProblemException } from '../problems/problem.exception';

/** What Nest's Fastify adapter hands over for one of Fastify's own errors (mapException). */
function fastifyError(code: string, statusCode: number, message: string): HttpException {
  const cause = Object.assign(new Error(message), { name: 'FastifyError', code, statusCode });
  return new HttpException(message, statusCode, { cause });
}

const LEAKY_MESSAGE =
  'insert into "users"("email", "password_hash") values ($1, $2) - password "hunter2" for role app';

describe('toProblem', () => {
  it('keeps the code, detail and field errors of a ProblemException', () => {
    const problem = toProblem(ProblemException.validation([{ field: 'email', message: 'email is bad.' }]));
    expect(problem).toEqual({
      type: '/problems/validation-failed',
      title: 'Bad Request',
      status: 400,
      detail: 'email is bad.',
      code: ErrorCode.VALIDATION_FAILED,
      errors: [{ field: 'email', message: 'email is bad.' }],
    });
  });

  it('derives type and title from a ProblemException without field errors', () => {
    const problem = toProblem(new ProblemException(HttpStatus.CONFLICT, ErrorCode.EMAIL_TAKEN, 'Taken.'));
    expect(problem).toEqual({
      type: '/problems/email-taken',
      title: 'Conflict',
      status: 409,
      detail: 'Taken.',
      code: ErrorCode.EMAIL_TAKEN,
    });
    expect(problem).not.toHaveProperty('errors');
  });

  it('maps a plain 404 HttpException to NOT_FOUND', () => {
    expect(toProblem(new NotFoundException('Cannot GET /nowhere'))).toMatchObject({
      status: 404,
      code: ErrorCode.NOT_FOUND,
      title: 'Not Found',
      type: '/problems/not-found',
      detail: 'Cannot GET /nowhere',
    });
  });

  it('maps 401, 403 and 415 HttpExceptions to their codes', () => {
    expect(toProblem(new HttpException('x', 401)).code).toBe(ErrorCode.UNAUTHORIZED);
    expect(toProblem(new HttpException('x', 403)).code).toBe(ErrorCode.FORBIDDEN);
    expect(toProblem(new HttpException('x', 415)).code).toBe(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
  });

  it("answers Fastify's invalid JSON body with 400 MALFORMED_JSON", () => {
    const problem = toProblem(
      fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400, "Body is not valid JSON but content-type is set to 'application/json'"),
    );
    expect(problem).toMatchObject({ status: 400, code: ErrorCode.MALFORMED_JSON, type: '/problems/malformed-json' });
    expect(problem.detail).toBe('The request body is not valid JSON.');
  });

  it("answers Fastify's body too large with 413 PAYLOAD_TOO_LARGE", () => {
    const problem = toProblem(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large'));
    expect(problem).toMatchObject({
      status: 413,
      code: ErrorCode.PAYLOAD_TOO_LARGE,
      title: 'Payload Too Large',
      type: '/problems/payload-too-large',
    });
  });

  it('answers an unknown Error with 500 INTERNAL_ERROR, hiding its message and stack', () => {
    const error = new Error(LEAKY_MESSAGE);
    const problem = toProblem(error);
    expect(problem).toEqual({
      type: '/problems/internal-error',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred.',
      code: ErrorCode.INTERNAL_ERROR,
    });
    const serialized = JSON.stringify(problem);
    expect(serialized).not.toContain('hunter2');
    expect(serialized).not.toContain('insert into');
    expect(serialized).not.toContain(error.stack!.split('\n')[1].trim());
    expect(serialized).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('hides the message of a 5xx HttpException behind its status text', () => {
    const problem = toProblem(new HttpException(LEAKY_MESSAGE, 503));
    expect(problem).toMatchObject({ status: 503, code: ErrorCode.SERVICE_UNAVAILABLE, detail: 'Service Unavailable' });
  });

  it("translates a Nest router's 404 words, keeping the method and path", () => {
    expect(toProblem(new NotFoundException('Cannot GET /nowhere'), 'es')).toMatchObject({
      code: ErrorCode.NOT_FOUND,
      title: 'No encontrado',
      detail: 'No hay ninguna ruta para GET /nowhere',
    });
  });

  it('answers a thrown non-Error value with 500', () => {
    expect(toProblem('boom')).toMatchObject({ status: 500, code: ErrorCode.INTERNAL_ERROR });
    expect(toProblem(undefined)).toMatchObject({ status: 500, code: ErrorCode.INTERNAL_ERROR });
  });
});

describe('toProblem in Spanish', () => {
  it('translates the title and the catalogue detail, and keeps code and type', () => {
    const english = toProblem(problem(ErrorCode.EMAIL_TAKEN));
    const spanish = toProblem(problem(ErrorCode.EMAIL_TAKEN), 'es');
    expect(english).toEqual({
      type: '/problems/email-taken',
      title: 'Conflict',
      status: 409,
      detail: 'An account with this email already exists.',
      code: ErrorCode.EMAIL_TAKEN,
    });
    expect(spanish).toEqual({
      type: '/problems/email-taken',
      title: 'Conflicto',
      status: 409,
      detail: 'Ya existe una cuenta con este correo electrónico.',
      code: ErrorCode.EMAIL_TAKEN,
    });
  });

  it('renders a detail with values, and its plural, in each language', () => {
    const locked = (seconds: number) => problem(ErrorCode.ACCOUNT_LOCKED, { key: 'problems.limits.locked', params: { count: seconds } });
    expect(toProblem(locked(42)).detail).toBe('Too many failed password attempts: this account is locked for 42 more seconds.');
    expect(toProblem(locked(42), 'es').detail).toBe(
      'Demasiados intentos fallidos de contraseña: esta cuenta está bloqueada durante 42 segundos más.',
    );
    // "1 seconds" was wrong: one second is singular in both languages.
    expect(toProblem(locked(1)).detail).toBe('Too many failed password attempts: this account is locked for 1 more second.');
    expect(toProblem(locked(1), 'es').detail).toBe(
      'Demasiados intentos fallidos de contraseña: esta cuenta está bloqueada durante 1 segundo más.',
    );
  });

  it('translates field messages, and a single field message as the detail', () => {
    const refused = ProblemException.validation([{ field: 'sid', message: { key: 'validation.field.notUuid', params: { field: 'sid' } } }]);
    expect(toProblem(refused, 'es')).toMatchObject({
      title: 'Solicitud incorrecta',
      detail: 'sid debe ser un UUID.',
      code: ErrorCode.VALIDATION_FAILED,
      errors: [{ field: 'sid', message: 'sid debe ser un UUID.' }],
    });
    expect(toProblem(refused)).toMatchObject({ detail: 'sid must be a UUID.', errors: [{ field: 'sid', message: 'sid must be a UUID.' }] });
  });

  it("keeps a library's own words as they are, in any language", () => {
    const refused = ProblemException.validation([{ field: 'x', message: 'nested property x must be either object or array' }]);
    expect(toProblem(refused, 'es').errors).toEqual([{ field: 'x', message: 'nested property x must be either object or array' }]);
  });

  it('has a title in both languages for every status of the catalogue', () => {
    for (const code of Object.values(ErrorCode)) {
      const { title } = toProblem(problem(code), 'es');
      expect({ code, title }).not.toEqual({ code, title: toProblem(problem(code)).title });
    }
  });
});

describe('ProblemDetailsFilter.catch', () => {
  function fakeHost(request: object = { headers: {} }) {
    const reply = {
      status: jest.fn(),
      type: jest.fn(),
      send: jest.fn(),
      headers: jest.fn(),
      header: jest.fn(),
      getHeader: jest.fn(),
    };
    reply.header.mockReturnValue(reply);
    reply.status.mockReturnValue(reply);
    reply.type.mockReturnValue(reply);
    reply.send.mockReturnValue(reply);
    reply.headers.mockReturnValue(reply);
    const host = {
      switchToHttp: () => ({ getResponse: () => reply, getRequest: () => request }),
    } as unknown as ArgumentsHost;
    return { reply, host };
  }
  /** Every header the filter set on the reply, merged. */
  const headersSet = (reply: { headers: jest.Mock }) =>
    reply.headers.mock.calls.reduce((all, [headers]) => ({ ...all, ...headers }), {});

  let logError: jest.SpyInstance;
  beforeEach(() => {
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('sends the problem with its status as application/problem+json', () => {
    const { reply, host } = fakeHost();
    new ProblemDetailsFilter().catch(ProblemException.unauthorized(), host);
    expect(reply.status).toHaveBeenCalledWith(401);
    expect(reply.type).toHaveBeenCalledWith('application/problem+json');
    expect(reply.send).toHaveBeenCalledWith(
      expect.objectContaining({ status: 401, code: ErrorCode.UNAUTHORIZED }),
    );
    expect(logError).not.toHaveBeenCalled();
  });

  it('answers in the language of Accept-Language, saying so in Content-Language and Vary', () => {
    const { reply, host } = fakeHost({ headers: { 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' } });
    new ProblemDetailsFilter().catch(ProblemException.userNotFound(), host);
    expect(reply.header).toHaveBeenCalledWith('Content-Language', 'es');
    expect(reply.header).toHaveBeenCalledWith('Vary', 'Accept-Language');
    expect(reply.send).toHaveBeenCalledWith({
      type: '/problems/user-not-found',
      title: 'No encontrado',
      status: 404,
      detail: 'No existe ese usuario.',
      code: ErrorCode.USER_NOT_FOUND,
    });
  });

  it('answers a language it does not speak in English, saying so', () => {
    const { reply, host } = fakeHost({ headers: { 'accept-language': 'fr-FR, de;q=0.8' } });
    new ProblemDetailsFilter().catch(ProblemException.userNotFound(), host);
    expect(reply.header).toHaveBeenCalledWith('Content-Language', 'en');
    expect(reply.send).toHaveBeenCalledWith(expect.objectContaining({ title: 'Not Found', detail: 'No such user.' }));
  });

  it('adds Accept-Language to a Vary already set', () => {
    const { reply, host } = fakeHost();
    reply.getHeader.mockReturnValue('Origin');
    new ProblemDetailsFilter().catch(ProblemException.userNotFound(), host);
    expect(reply.header).toHaveBeenCalledWith('Vary', 'Origin, Accept-Language');
  });

  it("sets the ProblemException's headers, such as Retry-After, on the reply", () => {
    const { reply, host } = fakeHost();
    const locked = new ProblemException(
      HttpStatus.TOO_MANY_REQUESTS,
      ErrorCode.ACCOUNT_LOCKED,
      'Locked.',
      undefined,
      { 'Retry-After': '60' },
    );
    new ProblemDetailsFilter().catch(locked, host);
    expect(reply.headers).toHaveBeenCalledWith({ 'Retry-After': '60' });
    expect(reply.status).toHaveBeenCalledWith(429);
    expect(reply.send).toHaveBeenCalledWith(expect.objectContaining({ code: ErrorCode.ACCOUNT_LOCKED }));
  });

  it('keeps the headers out of the problem body', () => {
    const { reply, host } = fakeHost();
    new ProblemDetailsFilter().catch(
      new ProblemException(HttpStatus.TOO_MANY_REQUESTS, ErrorCode.ACCOUNT_LOCKED, 'Locked.', undefined, {
        'Retry-After': '60',
      }),
      host,
    );
    expect(JSON.stringify(reply.send.mock.calls[0][0])).not.toContain('Retry-After');
  });

  it('sets no header of its own for a ProblemException without any', () => {
    const { reply, host } = fakeHost();
    new ProblemDetailsFilter().catch(ProblemException.userNotFound(), host);
    expect(headersSet(reply)).toEqual({});
  });

  it('does not read headers from any other exception', () => {
    const { reply, host } = fakeHost();
    new ProblemDetailsFilter().catch(
      Object.assign(new HttpException('x', 429), { headers: { 'X-Leak': 'secret' } }),
      host,
    );
    expect(reply.headers).not.toHaveBeenCalled();
    expect(reply.status).toHaveBeenCalledWith(429);
  });

  describe('WWW-Authenticate (RFC 6750 section 3)', () => {
    /** A request as JwtAuthGuard leaves it: marked as needing a bearer token. */
    const bearerRequest = (headers: Record<string, string> = {}) => {
      const request = { headers };
      markBearerRequired(request);
      return request;
    };

    it('challenges a 401 of a bearer route without a token with a bare Bearer, no error', () => {
      const { reply, host } = fakeHost(bearerRequest());
      new ProblemDetailsFilter().catch(ProblemException.unauthorized(), host);
      expect(headersSet(reply)).toEqual({ 'WWW-Authenticate': 'Bearer' });
      expect(reply.status).toHaveBeenCalledWith(401);
    });

    it('says invalid_token when the 401 request sent a token', () => {
      const { reply, host } = fakeHost(bearerRequest({ authorization: 'Bearer aaa.bbb.ccc' }));
      new ProblemDetailsFilter().catch(ProblemException.unauthorized(), host);
      expect(headersSet(reply)).toEqual({ 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    });

    it('says invalid_token for any Authorization header, even under another scheme', () => {
      const { reply, host } = fakeHost(bearerRequest({ authorization: 'Basic eDp5' }));
      new ProblemDetailsFilter().catch(ProblemException.unauthorized(), host);
      expect(headersSet(reply)).toEqual({ 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    });

    it('challenges without invalid_token when the token was good but a current password was wrong', () => {
      const { reply, host } = fakeHost(bearerRequest({ authorization: 'Bearer aaa.bbb.ccc' }));
      const wrongPassword = new ProblemException(HttpStatus.UNAUTHORIZED, ErrorCode.INVALID_CREDENTIALS, 'Wrong.');
      new ProblemDetailsFilter().catch(wrongPassword, host);
      expect(headersSet(reply)).toEqual({ 'WWW-Authenticate': 'Bearer' });
    });

    it('challenges a plain 401 HttpException of a bearer route too', () => {
      const { reply, host } = fakeHost(bearerRequest({ authorization: 'Bearer x.y.z' }));
      new ProblemDetailsFilter().catch(new HttpException('x', 401), host);
      expect(headersSet(reply)).toEqual({ 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    });

    it('sets no challenge on a 401 of a route that needs no access token (login)', () => {
      const { reply, host } = fakeHost({ headers: { authorization: 'Bearer aaa.bbb.ccc' } });
      new ProblemDetailsFilter().catch(
        new ProblemException(HttpStatus.UNAUTHORIZED, ErrorCode.INVALID_CREDENTIALS, 'Wrong.'),
        host,
      );
      expect(headersSet(reply)).toEqual({});
    });

    it('sets no challenge on an answer other than 401 of a bearer route', () => {
      for (const exception of [
        new ProblemException(HttpStatus.FORBIDDEN, ErrorCode.FORBIDDEN, 'No.'),
        ProblemException.validation([{ field: 'name', message: 'Bad.' }]),
        new Error('boom'),
      ]) {
        const { reply, host } = fakeHost(bearerRequest({ authorization: 'Bearer aaa.bbb.ccc' }));
        new ProblemDetailsFilter().catch(exception, host);
        expect(headersSet(reply)).not.toHaveProperty('WWW-Authenticate');
      }
    });

    it("keeps the exception's own headers beside the challenge", () => {
      const { reply, host } = fakeHost(bearerRequest());
      const exception = new ProblemException(HttpStatus.UNAUTHORIZED, ErrorCode.UNAUTHORIZED, 'No.', undefined, {
        'Cache-Control': 'no-store',
      });
      new ProblemDetailsFilter().catch(exception, host);
      expect(headersSet(reply)).toEqual({ 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Bearer' });
    });
  });

  describe('the headers of every answer', () => {
    const EVERY_ANSWERS = Object.freeze({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });

    it('sets them on an error answered without the hooks that set them (Fastify\'s 404 for OPTIONS *)', () => {
      const { reply, host } = fakeHost();
      Object.assign(reply, { hasHeader: jest.fn().mockReturnValue(false) });
      new ProblemDetailsFilter(EVERY_ANSWERS).catch(new HttpException('Cannot OPTIONS *', 404), host);
      expect(reply.headers).toHaveBeenCalledWith(EVERY_ANSWERS);
      expect(reply.status).toHaveBeenCalledWith(404);
    });

    it('leaves them to the hook that set them already', () => {
      const { reply, host } = fakeHost();
      Object.assign(reply, { hasHeader: jest.fn((name: string) => name === 'x-content-type-options') });
      new ProblemDetailsFilter(EVERY_ANSWERS).catch(ProblemException.userNotFound(), host);
      expect(reply.headers).not.toHaveBeenCalledWith(EVERY_ANSWERS);
    });
  });

  it('logs a 500 on the server and sends nothing internal', () => {
    const { reply, host } = fakeHost();
    new ProblemDetailsFilter().catch(new Error(LEAKY_MESSAGE), host);
    expect(reply.status).toHaveBeenCalledWith(500);
    expect(reply.type).toHaveBeenCalledWith('application/problem+json');
    const [sent] = reply.send.mock.calls[0];
    expect(JSON.stringify(sent)).not.toContain('hunter2');
    expect(logError).toHaveBeenCalledTimes(1);
  });
});

describe('toProblem with the database out of reach', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a terminated connection', new Error('Connection terminated unexpectedly')],
    ['a pool that timed out', new Error('timeout exceeded when trying to connect')],
    ['a server shutting down', Object.assign(new Error('query failed'), { driverError: { code: '57P01' } })],
    ['a connection exception', Object.assign(new Error('query failed'), { driverError: { code: '08006' } })],
  ])('answers %s with 503 SERVICE_UNAVAILABLE and no driver text', (_case, error) => {
    const problem = toProblem(error);
    expect(problem).toMatchObject({ status: 503, code: ErrorCode.SERVICE_UNAVAILABLE });
    expect(JSON.stringify(problem)).not.toMatch(/ECONNREFUSED|terminated|timeout|5432|query failed/);
  });

  it('keeps a query error (a unique violation) a 500, not a 503', () => {
    const error = Object.assign(new Error('duplicate key'), { driverError: { code: '23505' } });
    expect(toProblem(error).status).toBe(500);
  });
});
