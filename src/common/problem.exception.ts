import { HttpException, HttpStatus } from '@nestjs/common';
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
    const detail = errors.length === 1 ? errors[0].message : 'The request has invalid fields.';
    return new ProblemException(HttpStatus.BAD_REQUEST, ErrorCode.VALIDATION_FAILED, detail, errors);
  }

  static unauthorized(detail = 'A valid access token is required.'): ProblemException {
    return new ProblemException(HttpStatus.UNAUTHORIZED, ErrorCode.UNAUTHORIZED, detail);
  }

  static userNotFound(): ProblemException {
    return new ProblemException(HttpStatus.NOT_FOUND, ErrorCode.USER_NOT_FOUND, 'No such user.');
  }
}
