import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { isDatabaseUnavailable } from '../../database/database-unavailable';
import { ERROR_CATALOGUE } from './error-catalogue';
import { ErrorCode } from './error-code.enum';
import { FieldError, ProblemException } from './problem.exception';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
}

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.VALIDATION_FAILED,
  401: ErrorCode.UNAUTHORIZED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  405: ErrorCode.METHOD_NOT_ALLOWED,
  412: ErrorCode.PRECONDITION_FAILED,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

/** Fastify's own errors (body parsing, limits), which Nest hands over as HttpExceptions. */
const FASTIFY_ERRORS: Record<string, [ErrorCode, string?]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [ErrorCode.MALFORMED_JSON],
  FST_ERR_CTP_EMPTY_JSON_BODY: [ErrorCode.MALFORMED_JSON, 'The request body is empty.'],
  FST_ERR_CTP_BODY_TOO_LARGE: [ErrorCode.PAYLOAD_TOO_LARGE],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [ErrorCode.UNSUPPORTED_MEDIA_TYPE],
  FST_ERR_BAD_URL: [ErrorCode.VALIDATION_FAILED, 'The URL is not valid.'],
  FST_ERR_MAX_PARAM_LENGTH: [ErrorCode.VALIDATION_FAILED, 'A path segment of the URL is too long.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    ErrorCode.VALIDATION_FAILED,
    'The Content-Length header does not match the body.',
  ],
};

function fastifyCode(exception: HttpException): string | undefined {
  const cause = exception.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** Turns any exception into an RFC 9457 answer; nothing internal (stack, SQL) reaches the client. */
export function toProblem(exception: unknown): ProblemDetails {
  let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
  let code = ErrorCode.INTERNAL_ERROR;
  let detail = ERROR_CATALOGUE[code].detail;
  let errors: FieldError[] | undefined;

  if (exception instanceof ProblemException) {
    ({ code, detail, errors } = exception);
    status = exception.getStatus();
  } else if (isDatabaseUnavailable(exception)) {
    status = HttpStatus.SERVICE_UNAVAILABLE;
    code = ErrorCode.SERVICE_UNAVAILABLE;
    detail = ERROR_CATALOGUE[code].detail;
  } else if (exception instanceof HttpException) {
    status = exception.getStatus();
    const known = FASTIFY_ERRORS[fastifyCode(exception) ?? ''];
    if (known) {
      code = known[0];
      detail = known[1] ?? ERROR_CATALOGUE[code].detail;
    } else {
      code = CODE_BY_STATUS[status] ?? (status < 500 ? ErrorCode.VALIDATION_FAILED : code);
      detail = status < 500 ? exception.message : STATUS_CODES[status] ?? detail;
    }
  }
  return {
    type: `/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors && { errors }),
  };
}
