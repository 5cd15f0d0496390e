import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from './error-code.enum';

/**
 * Every problem a client can meet, by code: its HTTP status (whose reason phrase is the
 * problem's `title`) and the `detail` it carries unless the place that raises it says more.
 * This file is the list of the service's errors; `problem()` (problem.exception.ts) raises one.
 */
export const ERROR_CATALOGUE: Record<ErrorCode, { status: HttpStatus; detail: string }> = {
  [ErrorCode.VALIDATION_FAILED]: { status: HttpStatus.BAD_REQUEST, detail: 'The request has invalid fields.' },
  [ErrorCode.WEAK_PASSWORD]: { status: HttpStatus.BAD_REQUEST, detail: 'This password is too easy to guess: choose another.' },
  [ErrorCode.MALFORMED_JSON]: { status: HttpStatus.BAD_REQUEST, detail: 'The request body is not valid JSON.' },
  [ErrorCode.PAYLOAD_TOO_LARGE]: { status: HttpStatus.PAYLOAD_TOO_LARGE, detail: 'The request body is larger than 100 kB.' },
  // 431 Request Header Fields Too Large, which Nest's HttpStatus does not name.
  [ErrorCode.HEADERS_TOO_LARGE]: { status: 431 as HttpStatus, detail: 'The request line and headers are larger than 16 kB.' },
  [ErrorCode.REQUEST_TIMEOUT]: { status: HttpStatus.REQUEST_TIMEOUT, detail: 'The request was not received in time.' },
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: {
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    detail: 'The request body must be sent as application/json.',
  },
  [ErrorCode.EMAIL_TAKEN]: { status: HttpStatus.CONFLICT, detail: 'An account with this email already exists.' },
  [ErrorCode.USERNAME_TAKEN]: { status: HttpStatus.CONFLICT, detail: 'This username is taken.' },
  [ErrorCode.LAST_ADMIN]: {
    status: HttpStatus.CONFLICT,
    detail: 'The last active administrator cannot be demoted, deactivated or deleted.',
  },
  [ErrorCode.INVALID_CREDENTIALS]: { status: HttpStatus.UNAUTHORIZED, detail: 'The email or password is wrong.' },
  [ErrorCode.ACCOUNT_DISABLED]: { status: HttpStatus.UNAUTHORIZED, detail: 'This account is disabled.' },
  [ErrorCode.ACCOUNT_LOCKED]: {
    status: HttpStatus.TOO_MANY_REQUESTS,
    detail: 'Too many failed password attempts: this account is locked for a while.',
  },
  [ErrorCode.UNAUTHORIZED]: { status: HttpStatus.UNAUTHORIZED, detail: 'A valid access token is required.' },
  [ErrorCode.REAUTHENTICATION_REQUIRED]: {
    status: HttpStatus.UNAUTHORIZED,
    detail: 'Log in again first: this change needs a login within the last 10 minutes.',
  },
  [ErrorCode.FORBIDDEN]: { status: HttpStatus.FORBIDDEN, detail: 'This route is for administrators.' },
  [ErrorCode.USER_NOT_FOUND]: { status: HttpStatus.NOT_FOUND, detail: 'No such user.' },
  [ErrorCode.NOT_FOUND]: { status: HttpStatus.NOT_FOUND, detail: 'No such route.' },
  [ErrorCode.METHOD_NOT_ALLOWED]: { status: HttpStatus.METHOD_NOT_ALLOWED, detail: 'This method is not allowed here.' },
  [ErrorCode.PRECONDITION_FAILED]: {
    status: HttpStatus.PRECONDITION_FAILED,
    detail: 'The user changed since the ETag given in If-Match. Read it again and retry.',
  },
  [ErrorCode.INVALID_TOKEN]: {
    status: HttpStatus.BAD_REQUEST,
    detail: 'This link is not valid: it may have expired or been used. Ask for a new one.',
  },
  [ErrorCode.EMAIL_NOT_VERIFIED]: {
    status: HttpStatus.FORBIDDEN,
    detail: 'Confirm your email address first: follow the link in the mail we sent, or ask for a new one.',
  },
  [ErrorCode.EMAIL_ALREADY_VERIFIED]: { status: HttpStatus.CONFLICT, detail: 'This email address is already verified.' },
  [ErrorCode.INVALID_IMAGE]: {
    status: HttpStatus.BAD_REQUEST,
    detail: 'The file is not a picture this service takes: send a JPEG, PNG, WebP or GIF image.',
  },
  [ErrorCode.SESSION_NOT_FOUND]: { status: HttpStatus.NOT_FOUND, detail: 'No such open session of this user.' },
  [ErrorCode.AVATAR_NOT_FOUND]: { status: HttpStatus.NOT_FOUND, detail: 'No such picture.' },
  [ErrorCode.AVATAR_BUSY]: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    detail: 'Pictures are being processed at full capacity: try again in a few seconds.',
  },
  [ErrorCode.RATE_LIMITED]: { status: HttpStatus.TOO_MANY_REQUESTS, detail: 'Too many requests from this address.' },
  [ErrorCode.SERVICE_UNAVAILABLE]: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    detail: 'The database is not available. Try again shortly.',
  },
  [ErrorCode.INTERNAL_ERROR]: { status: HttpStatus.INTERNAL_SERVER_ERROR, detail: 'An unexpected error occurred.' },
};
