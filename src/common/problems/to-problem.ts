import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { isDatabaseUnavailable } from '../../database/database-unavailable';
import { DEFAULT_LOCALE, Locale } from '../../i18n/locale';
import { english } from '../../i18n/messages';
import { Message, translate } from '../../i18n/translator';
import { catalogueDetail } from './error-catalogue';
import { ErrorCode } from './error-code.enum';
import { FieldError, ProblemException, ProblemText, renderText, SignInMethods } from './problem.exception';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  sign_in_methods?: SignInMethods;
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
const FASTIFY_ERRORS: Record<string, [ErrorCode, Message?]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [ErrorCode.MALFORMED_JSON],
  FST_ERR_CTP_EMPTY_JSON_BODY: [ErrorCode.MALFORMED_JSON, { key: 'problems.request.emptyBody' }],
  FST_ERR_CTP_BODY_TOO_LARGE: [ErrorCode.PAYLOAD_TOO_LARGE],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [ErrorCode.UNSUPPORTED_MEDIA_TYPE],
  FST_ERR_BAD_URL: [ErrorCode.VALIDATION_FAILED, { key: 'problems.request.badUrl' }],
  FST_ERR_MAX_PARAM_LENGTH: [ErrorCode.VALIDATION_FAILED, { key: 'problems.request.pathSegmentTooLong' }],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [ErrorCode.VALIDATION_FAILED, { key: 'problems.request.contentLengthMismatch' }],
};

/** Nest's router's words for a route it does not have. */
const NO_ROUTE = /^Cannot ([A-Z]+) (.*)$/s;

function fastifyCode(exception: HttpException): string | undefined {
  const cause = exception.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** The detail of an HttpException that is no problem of ours: its own words below 500, else its reason phrase. */
function httpDetail(exception: HttpException, status: number): ProblemText {
  if (status >= 500) return STATUS_CODES[status] ?? catalogueDetail(ErrorCode.INTERNAL_ERROR);
  const route = status === 404 ? NO_ROUTE.exec(exception.message) : null;
  return route ? { key: 'problems.request.noRoute', params: { method: route[1], path: route[2] } } : exception.message;
}

/** The status's reason phrase in `locale`: RFC 9110's, translated where the service sends it. */
export function problemTitle(status: number, locale: Locale): string {
  return Object.hasOwn(english.problems.titles, status)
    ? translate(locale, `problems.titles.${status as unknown as keyof typeof english.problems.titles}`)
    : STATUS_CODES[status] ?? 'Error';
}

/**
 * Turns any exception into an RFC 9457 answer in `locale` (its `title`, `detail` and field
 * messages; `code` and `type` are the same in every language); nothing internal (stack, SQL)
 * reaches the client.
 */
export function toProblem(exception: unknown, locale: Locale = DEFAULT_LOCALE): ProblemDetails {
  let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
  let code = ErrorCode.INTERNAL_ERROR;
  let detail: ProblemText = catalogueDetail(code);
  let errors: FieldError[] | undefined;
  let extensions: ProblemException['extensions'];

  if (exception instanceof ProblemException) {
    ({ code, detailMessage: detail } = exception);
    errors = exception.fieldErrors(locale);
    status = exception.getStatus();
    extensions = exception.extensions;
  } else if (isDatabaseUnavailable(exception)) {
    status = HttpStatus.SERVICE_UNAVAILABLE;
    code = ErrorCode.SERVICE_UNAVAILABLE;
    detail = catalogueDetail(code);
  } else if (exception instanceof HttpException) {
    status = exception.getStatus();
    const known = FASTIFY_ERRORS[fastifyCode(exception) ?? ''];
    if (known) {
      code = known[0];
      detail = known[1] ?? catalogueDetail(code);
    } else {
      code = CODE_BY_STATUS[status] ?? (status < 500 ? ErrorCode.VALIDATION_FAILED : code);
      detail = httpDetail(exception, status);
    }
  }
  return {
    type: `/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: problemTitle(status, locale),
    status,
    detail: renderText(locale, detail),
    code,
    ...(errors && { errors }),
    ...extensions,
  };
}
