import { HttpException, HttpStatus } from '@nestjs/common';
import { ERROR_CATALOGUE } from './error-catalogue';
import { ErrorCode } from './error-code.enum';

export interface FieldError {
  field: string;
  message: string;
}

/** An error answered as application/problem+json (RFC 9457) with a stable code. */
export class ProblemException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    /** Response headers that go with the answer, such as Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail, status);
  }

  static validation(errors: FieldError[]): ProblemException {
    const detail = errors.length === 1 ? errors[0].message : ERROR_CATALOGUE[ErrorCode.VALIDATION_FAILED].detail;
    return problem(ErrorCode.VALIDATION_FAILED, detail, { errors });
  }

  static unauthorized(detail?: string): ProblemException {
    return problem(ErrorCode.UNAUTHORIZED, detail);
  }

  static userNotFound(): ProblemException {
    return problem(ErrorCode.USER_NOT_FOUND);
  }
}

/**
 * The problem of `code` (status from the catalogue), with the catalogue's detail or a more
 * precise one, and field errors or headers when it has them.
 */
export function problem(
  code: ErrorCode,
  detail = ERROR_CATALOGUE[code].detail,
  { errors, headers }: { errors?: FieldError[]; headers?: Record<string, string> } = {},
): ProblemException {
  return new ProblemException(ERROR_CATALOGUE[code].status, code, detail, errors, headers);
}
