import { Injectable, PipeTransform } from '@nestjs/common';
import { ProblemException } from './problem.exception';

const INT4_MAX = 2_147_483_647;

/** A path id: a positive integer that fits the database's integer column, else 400. */
@Injectable()
export class IdParamPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const id = /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : NaN;
    if (!(id <= INT4_MAX)) {
      throw ProblemException.validation([{ field: 'id', message: 'id must be a positive integer.' }]);
    }
    return id;
  }
}
