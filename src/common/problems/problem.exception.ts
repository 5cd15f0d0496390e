import { HttpException, HttpStatus } from '@nestjs/common';
import { DEFAULT_LOCALE, Locale } from '../../i18n/locale';
import { Message, render } from '../../i18n/translator';
import { catalogueDetail, ERROR_CATALOGUE } from './error-catalogue';
import { ErrorCode } from './error-code.enum';

/**
 * A text a problem shows: a message, rendered once the answer's language is known, or a
 * library's own words (a class-validator default), shown as they are.
 */
export type ProblemText = Message | string;

export function renderText(locale: Locale, text: ProblemText): string {
  return typeof text === 'string' ? text : render(locale, text);
}

/** A field's error, as the exception carries it until the answer's language is known. */
export interface FieldProblem {
  field: string;
  message: ProblemText;
}

/** The ways into an account that ACCOUNT_EXISTS names: what its owner can sign in with to link another. */
export interface SignInMethods {
  has_password: boolean;
  has_passkey: boolean;
  /** Ids of the providers (AUTH_PROVIDERS) linked to it. */
  providers: string[];
}

/** A field's error as an answer shows it. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * An error answered as application/problem+json (RFC 9457) with a stable code. Its texts are
 * messages, rendered in the caller's language by the filter (to-problem.ts): only an error
 * answer pays for a translation.
 */
export class ProblemException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: ErrorCode,
    readonly detailMessage: ProblemText,
    readonly fieldProblems?: FieldProblem[],
    /** Response headers that go with the answer, such as Retry-After. */
    readonly headers: Record<string, string> = {},
    /** Members of the answer beside the standard ones (RFC 9457 extensions), the same in every language. */
    readonly extensions?: { sign_in_methods?: SignInMethods; kid?: string; signs_from?: string },
  ) {
    super(code, status);
  }

  /** The detail in English: for logs and tests; answers use the caller's language. */
  get detail(): string {
    return renderText(DEFAULT_LOCALE, this.detailMessage);
  }

  /** The field errors in English. */
  get errors(): FieldError[] | undefined {
    return this.fieldErrors(DEFAULT_LOCALE);
  }

  fieldErrors(locale: Locale): FieldError[] | undefined {
    return this.fieldProblems?.map(({ field, message }) => ({ field, message: renderText(locale, message) }));
  }

  /** The detail of a validation failure: its field's message when it has one, else the catalogue's. */
  static validation(errors: FieldProblem[]): ProblemException {
    const detail = errors.length === 1 ? errors[0].message : catalogueDetail(ErrorCode.VALIDATION_FAILED);
    return new ProblemException(HttpStatus.BAD_REQUEST, ErrorCode.VALIDATION_FAILED, detail, errors);
  }

  static unauthorized(detail?: Message): ProblemException {
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
  detail: Message = catalogueDetail(code),
  { errors, headers, extensions }: { errors?: FieldProblem[]; headers?: Record<string, string>; extensions?: ProblemException['extensions'] } = {},
): ProblemException {
  return new ProblemException(ERROR_CATALOGUE[code].status, code, detail, errors, headers, extensions);
}
