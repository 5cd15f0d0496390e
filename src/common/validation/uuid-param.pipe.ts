import type { PipeTransform } from '@nestjs/common';
import { ProblemException } from '../problems/problem.exception';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path parameter that is a UUID (a session's id), else 400 naming it; used as an instance, `new UuidParamPipe('sid')`. */
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly field = 'id') {}

  transform(value: string): string {
    if (!UUID.test(value)) {
      throw ProblemException.validation([{ field: this.field, message: { key: 'validation.field.notUuid', params: { field: this.field } } }]);
    }
    return value.toLowerCase();
  }
}
