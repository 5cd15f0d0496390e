import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ProblemException } from './problem.exception';
import { inputProblem } from './request-input';

/** Why a field that a route does not take is refused, where a hint helps the caller. */
const FORBIDDEN_FIELD_HINTS: Record<string, string> = {
  password: 'password cannot be changed here; use POST /users/password.',
  role: 'role cannot be changed here; only an administrator can change it.',
  is_active: 'is_active cannot be changed here; only an administrator can change it.',
  id: 'id cannot be changed.',
};

function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent + error.property;
    const constraints = error.constraints ?? {};
    const own: FieldError[] = [];
    if (constraints.whitelistValidation) {
      own.push({ field, message: FORBIDDEN_FIELD_HINTS[field] ?? `${field} is not a field of this request.` });
    } else {
      // One message a field: the first rule it broke.
      const first = Object.values(constraints)[0];
      if (first) own.push({ field, message: first });
    }
    return [...own, ...fieldErrors(error.children ?? [], `${field}.`)];
  });
}

/**
 * Validates bodies and queries against their DTO: unknown fields are refused by name (no mass
 * assignment), values are not coerced, and every failure is one problem+json answer.
 */
@Injectable()
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => ProblemException.validation(fieldErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Path ids are IdParamPipe's: converting them here would read "01" or "0x1" as 1.
    if (metadata.type !== 'body' && metadata.type !== 'query') return value;
    const problem = inputProblem(value);
    if (problem) throw ProblemException.validation([problem]);
    if (metadata.type !== 'body') return super.transform(value, metadata);
    // No body at all reads as an empty object: the DTO then says what is missing.
    if (value === undefined) value = {};
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (metadata.metatype !== Object && !isObject) {
      throw ProblemException.validation([
        { field: '', message: 'The request body must be a JSON object.' },
      ]);
    }
    return super.transform(value, metadata);
  }
}
