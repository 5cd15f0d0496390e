import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath, ApiExtraModels } from '@nestjs/swagger';
import type { ResponseObject } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ErrorCode } from './error-code.enum';
import { problem, ProblemException } from './problem.exception';
import { toProblem } from './to-problem';
import { ProblemDetailsDto } from './problem-details.dto';

/** What any route with a JSON body can answer about the body itself. */
export const BODY_PROBLEMS = [
  ErrorCode.VALIDATION_FAILED,
  ErrorCode.MALFORMED_JSON,
  ErrorCode.PAYLOAD_TOO_LARGE,
  ErrorCode.UNSUPPORTED_MEDIA_TYPE,
];

/** The answer the service gives for `code`; a validation failure shows its field list. */
function example(code: ErrorCode) {
  const exception =
    code === ErrorCode.VALIDATION_FAILED
      ? ProblemException.validation([{ field: 'email', message: 'email must be a valid email address.' }])
      : problem(code);
  return toProblem(exception);
}

/** The HTTP status of a problem code. */
export const statusOf = (code: ErrorCode): number => example(code).status;

/**
 * The application/problem+json response of one status answering `codes`, each as an example
 * exactly as the service sends it.
 */
export function problemResponse(status: number, codes: ErrorCode[]): ResponseObject {
  return {
    description: `${STATUS_CODES[status]}: ${codes.join(', ')}`,
    content: {
      'application/problem+json': {
        schema: { $ref: getSchemaPath(ProblemDetailsDto) },
        examples: Object.fromEntries(codes.map((code) => [code, { value: example(code) }])),
      },
    },
  };
}

/**
 * Documents the problems a route can answer, by code: one application/problem+json response a
 * status, with each of its codes as an example. The headers of these answers are added to the
 * whole document at once (src/common/openapi/complete-contract.ts).
 */
export const ApiProblems = (...codes: ErrorCode[]) => {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = statusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto),
    ...[...byStatus].map(([status, codesOfStatus]) => ApiResponse({ status, ...problemResponse(status, codesOfStatus) })),
  );
};
