import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ErrorCode } from '../problems/error-code.enum';
import { ProblemDetails, toProblem } from '../problems/to-problem';
import { problem, ProblemException } from '../problems/problem.exception';
import { LOCALES, localeFromHeader, type Locale } from '../../i18n/locale';
import type { HeaderValues } from './security-headers.hook';

/*
 * The answers given before Fastify's hooks run, and so without the security-headers hook: Node's
 * parser refusing a request (400, 431, 408 when it does not come in time), the router refusing a
 * URL (400, 414), an expectation Node does not meet (417). Each is a problem, with the headers of
 * every other answer (security-headers.hook.ts). All are made once; none is on the path of a
 * request the service serves. Node's parser refusals are in English: no header was read. The
 * router's and the expectation's follow Accept-Language, as every later answer does.
 */

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/** The problem for each of Node's parser errors that has one of its own; any other is 400. */
const PARSER_PROBLEMS: Record<string, ProblemDetails> = {
  ERR_HTTP_REQUEST_TIMEOUT: toProblem(problem(ErrorCode.REQUEST_TIMEOUT)),
  HPE_HEADER_OVERFLOW: toProblem(problem(ErrorCode.HEADERS_TOO_LARGE)),
  HPE_CHUNK_EXTENSIONS_OVERFLOW: toProblem(problem(ErrorCode.PAYLOAD_TOO_LARGE, { key: 'problems.request.chunkExtensionsTooLarge' })),
};
const NOT_HTTP = toProblem(problem(ErrorCode.VALIDATION_FAILED, { key: 'problems.request.notHttp' }));

/** A whole answer, status line to body, for a socket no response object writes to; it closes the connection. */
function wholeAnswer(details: ProblemDetails, headers: HeaderValues): Buffer {
  const body = JSON.stringify(details);
  const head = [
    `HTTP/1.1 ${details.status} ${STATUS_CODES[details.status]}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    `content-type: ${PROBLEM_TYPE}`,
    'content-language: en',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/**
 * Fastify's clientErrorHandler, in place of its JSON without headers: Node's parser refused the
 * request, or it did not come within HTTP_HEADERS_TIMEOUT or HTTP_REQUEST_TIMEOUT. The answer
 * goes to the socket, then a lingering close (lingering-close.ts), so that a client still sending
 * reads it rather than a reset.
 */
export function parserRefusal(headers: HeaderValues): (error: NodeJS.ErrnoException, socket: Socket) => void {
  const answers = new Map(Object.entries(PARSER_PROBLEMS).map(([code, details]) => [code, wholeAnswer(details, headers)]));
  const notHttp = wholeAnswer(NOT_HTTP, headers);
  return (error, socket) => {
    // Gone, or closing after an answer already (the bytes the client still sends fail to parse too).
    if (socket.destroyed || socket.writableEnded) return;
    // As Node does: nothing more once the client has reset, or once an answer has begun.
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
    if (error.code === 'ECONNRESET' || inFlight?.headersSent) return void socket.destroy();
    socket.write(answers.get(error.code ?? '') ?? notHttp);
    socket.destroySoon();
  };
}

/**
 * Fastify's frameworkErrors: the router could not decode the URL (400) or a path segment is over
 * 100 characters (414), before any hook ran.
 */
export function routerRefusal(headers: HeaderValues): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => {
    const locale = localeFromHeader(request.headers['accept-language']);
    const details = toProblem(new HttpException(error.message, error.statusCode ?? HttpStatus.BAD_REQUEST, { cause: error }), locale);
    void reply
      .headers(headers)
      .header('X-Request-Id', request.id)
      .header('Content-Language', locale)
      .status(details.status)
      .type(PROBLEM_TYPE)
      .send(details);
  };
}

/**
 * Node's 'checkExpectation' listener: an `Expect` other than `100-continue`, which Node would
 * answer 417 itself, bare.
 */
export function expectationRefusal(headers: HeaderValues): (request: IncomingMessage, response: ServerResponse) => void {
  const refused = new ProblemException(HttpStatus.EXPECTATION_FAILED, ErrorCode.VALIDATION_FAILED, {
    key: 'problems.request.onlyContinue',
  });
  const answers = new Map(
    LOCALES.map((locale): [Locale, { body: string; answerHeaders: HeaderValues }] => {
      const body = JSON.stringify(toProblem(refused, locale));
      const length = String(Buffer.byteLength(body));
      return [locale, { body, answerHeaders: { ...headers, 'content-type': PROBLEM_TYPE, 'content-language': locale, 'content-length': length } }];
    }),
  );
  return (request, response) => {
    const { body, answerHeaders } = answers.get(localeFromHeader(request.headers['accept-language']))!;
    void response.writeHead(HttpStatus.EXPECTATION_FAILED, answerHeaders).end(body);
  };
}
