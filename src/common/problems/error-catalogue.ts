import { HttpStatus } from '@nestjs/common';
import type { Message } from '../../i18n/translator';
import { ErrorCode } from './error-code.enum';

/**
 * Every problem a client can meet, by code: its HTTP status (whose reason phrase is the
 * problem's `title`). Its `detail`, unless the place that raises it says more, is the text
 * `problems.codes.<CODE>` (src/i18n/messages). This file is the list of the service's errors;
 * `problem()` (problem.exception.ts) raises one.
 */
export const ERROR_CATALOGUE: Record<ErrorCode, { status: HttpStatus }> = {
  [ErrorCode.VALIDATION_FAILED]: { status: HttpStatus.BAD_REQUEST },
  [ErrorCode.WEAK_PASSWORD]: { status: HttpStatus.BAD_REQUEST },
  [ErrorCode.MALFORMED_JSON]: { status: HttpStatus.BAD_REQUEST },
  [ErrorCode.PAYLOAD_TOO_LARGE]: { status: HttpStatus.PAYLOAD_TOO_LARGE },
  // 431 Request Header Fields Too Large, which Nest's HttpStatus does not name.
  [ErrorCode.HEADERS_TOO_LARGE]: { status: 431 as HttpStatus },
  [ErrorCode.REQUEST_TIMEOUT]: { status: HttpStatus.REQUEST_TIMEOUT },
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: { status: HttpStatus.UNSUPPORTED_MEDIA_TYPE },
  [ErrorCode.EMAIL_TAKEN]: { status: HttpStatus.CONFLICT },
  [ErrorCode.USERNAME_TAKEN]: { status: HttpStatus.CONFLICT },
  [ErrorCode.LAST_ADMIN]: { status: HttpStatus.CONFLICT },
  [ErrorCode.INVALID_CREDENTIALS]: { status: HttpStatus.UNAUTHORIZED },
  [ErrorCode.ACCOUNT_DISABLED]: { status: HttpStatus.UNAUTHORIZED },
  [ErrorCode.ACCOUNT_LOCKED]: { status: HttpStatus.TOO_MANY_REQUESTS },
  [ErrorCode.UNAUTHORIZED]: { status: HttpStatus.UNAUTHORIZED },
  [ErrorCode.REAUTHENTICATION_REQUIRED]: { status: HttpStatus.UNAUTHORIZED },
  [ErrorCode.FORBIDDEN]: { status: HttpStatus.FORBIDDEN },
  [ErrorCode.USER_NOT_FOUND]: { status: HttpStatus.NOT_FOUND },
  [ErrorCode.NOT_FOUND]: { status: HttpStatus.NOT_FOUND },
  [ErrorCode.METHOD_NOT_ALLOWED]: { status: HttpStatus.METHOD_NOT_ALLOWED },
  [ErrorCode.PRECONDITION_FAILED]: { status: HttpStatus.PRECONDITION_FAILED },
  [ErrorCode.INVALID_TOKEN]: { status: HttpStatus.BAD_REQUEST },
  [ErrorCode.EMAIL_NOT_VERIFIED]: { status: HttpStatus.FORBIDDEN },
  [ErrorCode.EMAIL_ALREADY_VERIFIED]: { status: HttpStatus.CONFLICT },
  [ErrorCode.INVALID_IMAGE]: { status: HttpStatus.BAD_REQUEST },
  [ErrorCode.SESSION_NOT_FOUND]: { status: HttpStatus.NOT_FOUND },
  [ErrorCode.AVATAR_NOT_FOUND]: { status: HttpStatus.NOT_FOUND },
  [ErrorCode.AVATAR_BUSY]: { status: HttpStatus.SERVICE_UNAVAILABLE },
  [ErrorCode.MFA_TOKEN_INVALID]: { status: HttpStatus.UNAUTHORIZED },
  [ErrorCode.INVALID_MFA_CODE]: { status: HttpStatus.UNAUTHORIZED },
  [ErrorCode.MFA_ALREADY_ENABLED]: { status: HttpStatus.CONFLICT },
  [ErrorCode.MFA_NOT_ENABLED]: { status: HttpStatus.CONFLICT },
  [ErrorCode.PASSKEY_INVALID]: { status: HttpStatus.UNAUTHORIZED },
  [ErrorCode.PASSKEY_NOT_FOUND]: { status: HttpStatus.NOT_FOUND },
  [ErrorCode.PASSKEY_ALREADY_REGISTERED]: { status: HttpStatus.CONFLICT },
  [ErrorCode.PASSKEY_LIMIT]: { status: HttpStatus.CONFLICT },
  [ErrorCode.PROVIDER_NOT_FOUND]: { status: HttpStatus.NOT_FOUND },
  [ErrorCode.PROVIDER_UNAVAILABLE]: { status: HttpStatus.SERVICE_UNAVAILABLE },
  [ErrorCode.OAUTH_STATE_INVALID]: { status: HttpStatus.BAD_REQUEST },
  [ErrorCode.OAUTH_CODE_INVALID]: { status: HttpStatus.BAD_REQUEST },
  [ErrorCode.PROVIDER_EMAIL_UNVERIFIED]: { status: HttpStatus.FORBIDDEN },
  [ErrorCode.ACCOUNT_EXISTS]: { status: HttpStatus.CONFLICT },
  [ErrorCode.IDENTITY_TAKEN]: { status: HttpStatus.CONFLICT },
  [ErrorCode.IDENTITY_NOT_FOUND]: { status: HttpStatus.NOT_FOUND },
  [ErrorCode.LAST_SIGN_IN_METHOD]: { status: HttpStatus.CONFLICT },
  [ErrorCode.SIGNING_KEYS_CONFIGURED]: { status: HttpStatus.CONFLICT },
  [ErrorCode.ROTATION_PENDING]: { status: HttpStatus.CONFLICT },
  [ErrorCode.SIGNING_KEY_NOT_FOUND]: { status: HttpStatus.NOT_FOUND },
  [ErrorCode.SIGNING_KEY_IN_USE]: { status: HttpStatus.CONFLICT },
  [ErrorCode.TOO_MANY_SIGNING_KEYS]: { status: HttpStatus.CONFLICT },
  [ErrorCode.REDIRECT_NOT_ALLOWED]: { status: HttpStatus.BAD_REQUEST },
  // Told to the frontend in the return's address (?error=), never as an answer of its own.
  [ErrorCode.PROVIDER_LOGIN_FAILED]: { status: HttpStatus.BAD_GATEWAY },
  [ErrorCode.RATE_LIMITED]: { status: HttpStatus.TOO_MANY_REQUESTS },
  [ErrorCode.SERVICE_UNAVAILABLE]: { status: HttpStatus.SERVICE_UNAVAILABLE },
  [ErrorCode.INTERNAL_ERROR]: { status: HttpStatus.INTERNAL_SERVER_ERROR },
};

/** The `detail` of `code` when the place that raises it says nothing more. */
export function catalogueDetail(code: ErrorCode): Message {
  return { key: `problems.codes.${code}` };
}
