import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ErrorCode } from '../problems/error-code.enum';
import { ProblemDetails, toProblem } from '../problems/to-problem';
import { problem } from '../problems/problem.exception';
import type { HeaderValues } from './security-headers.hook';

/*
 * The answers given before Fastify's hooks run, and so without the security-headers hook: Node's
 * parser refusing a request (400, 431, 408 when it does not come in time), the router refusing a
 * URL (400, 414), an expectation Node does not meet (417). Each is a problem, with the headers of
 * every other answer (security-headers.hook.ts). All are made once; none is on the path of a
 * request the service serves.
 */

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/** The problem for each of Node's parser errors that has one of its own; any other is 400. */
const PARSER_PROBLEMS: Record<string, ProblemDetails> = {
  ERR_HTTP_REQUEST_TIMEOUT: toProblem(problem(ErrorCode.REQUEST_TIMEOUT)),
  HPE_HEADER_OVERFLOW: toProblem(problem(ErrorCode.HEADERS_TOO_LARGE)),
  HPE_CHUNK_EXTENSIONS_OVERFLOW: toProblem(problem(ErrorCode.PAYLOAD_TOO_LARGE, 'The chunk extensions of the body are larger than 16 kB.')),
};
const NOT_HTTP = toProblem(problem(ErrorCode.VALIDATION_FAILED, 'The request is not valid HTTP/1.1.'));

/** A whole answer, status line to body, for a socket no response object writes to; it closes the connection. */
function wholeAnswer(details: ProblemDetails, headers: HeaderValues): Buffer {
  const body = JSON.stringify(details);
  const head = [
    `HTTP/1.1 ${details.status} ${STATUS_CODES[details.status]}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    `content-type: ${PROBLEM_TYPE}`,
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
    const details = toProblem(new HttpException(error.message, error.statusCode ?? HttpStatus.BAD_REQUEST, { cause: error }));
    void reply.headers(headers).header('X-Request-Id', request.id).status(details.status).type(PROBLEM_TYPE).send(details);
  };
}

/**
 * Node's 'checkExpectation' listener: an `Expect` other than `100-continue`, which Node would
 * answer 417 itself, bare.
 */
export function expectationRefusal(headers: HeaderValues): (request: IncomingMessage, response: ServerResponse) => void {
  const details = toProblem(new HttpException('Expect: 100-continue is the only expectation this service meets.', HttpStatus.EXPECTATION_FAILED));
  const body = JSON.stringify(details);
  const answerHeaders = { ...headers, 'content-type': PROBLEM_TYPE, 'content-length': String(Buffer.byteLength(body)) };
  return (_request, response) => void response.writeHead(details.status, answerHeaders).end(body);
}
