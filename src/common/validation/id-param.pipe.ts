import { Injectable, PipeTransform } from '@nestjs/common';
import { parseId } from './id';
import { ProblemException } from '../problems/problem.exception';

/** A path id: a positive integer that fits the database's integer column, else 400. */
@Injectable()
export class IdParamPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const id = parseId(value);
    if (id === undefined) {
      throw ProblemException.validation([{ field: 'id', message: { key: 'validation.field.notPositiveInteger', params: { field: 'id' } } }]);
    }
    return id;
  }
}
