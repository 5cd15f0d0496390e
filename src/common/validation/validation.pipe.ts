import { ArgumentMetadata, Injectable, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import type { Message } from '../../i18n/translator';
import { FieldProblem, ProblemException } from '../problems/problem.exception';
import { messageOf } from './field-message';
import { inputProblem } from './request-input';

/** A long list of errors helps no one and costs its size in every answer: the first ones do. */
export const MAX_FIELD_ERRORS = 10;

/** Why a field that a route does not take is refused, by field name, where a hint helps. */
export type FieldHints = Record<string, Message>;

/** The fields a DTO declares, from its class-validator decorators; made once a class. */
const declaredFields = new Map<Type, Set<string>>();

function fieldsOf(metatype: Type): Set<string> {
  let fields = declaredFields.get(metatype);
  if (!fields) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false);
    fields = new Set(metadata.map(({ propertyName }) => propertyName));
    declaredFields.set(metatype, fields);
  }
  return fields;
}

/**
 * Validates bodies and queries against their DTO: unknown fields are refused by name (no mass
 * assignment), values are not coerced, and every failure is one problem+json answer.
 *
 * A hostile body costs little: its size and depth are checked, and the first field the DTO
 * does not declare is refused, before class-transformer and class-validator walk it. Own keys
 * are compared with a set, so `constructor` or `toString` are as unknown as any other name.
 */
@Injectable()
export class StrictValidationPipe extends ValidationPipe {
  constructor(private readonly hints: FieldHints = {}) {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => ProblemException.validation(this.fieldErrors(errors).slice(0, MAX_FIELD_ERRORS)),
    });
  }

  private unknownField(field: string): FieldProblem {
    const hint = Object.hasOwn(this.hints, field) ? this.hints[field] : undefined;
    return { field, message: hint ?? { key: 'validation.field.notAField', params: { field } } };
  }

  private fieldErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
    return errors.flatMap((error) => {
      const field = parent + error.property;
      const constraints = error.constraints ?? {};
      const own: FieldProblem[] = [];
      if (constraints.whitelistValidation) {
        own.push(this.unknownField(field));
      } else {
        // One message a field: the first rule it broke.
        const first = Object.values(constraints)[0];
        if (first) own.push({ field, message: messageOf(first) });
      }
      return [...own, ...this.fieldErrors(error.children ?? [], `${field}.`)];
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Path ids are IdParamPipe's: converting them here would read "01" or "0x1" as 1.
    if (metadata.type !== 'body' && metadata.type !== 'query') return value;
    const problem = inputProblem(value);
    if (problem) throw ProblemException.validation([problem]);
    // No body at all reads as an empty object: the DTO then says what is missing.
    if (metadata.type === 'body' && value === undefined) value = {};
    const { metatype } = metadata;
    if (!metatype || metatype === Object) return super.transform(value, metadata);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw ProblemException.validation([{ field: '', message: { key: 'validation.request.notJsonObject' } }]);
    }
    const fields = fieldsOf(metatype);
    const unknown = Object.keys(value).find((key) => !fields.has(key));
    if (unknown !== undefined) throw ProblemException.validation([this.unknownField(unknown)]);
    return super.transform(value, metadata);
  }
}
