import { Injectable, PipeTransform } from '@nestjs/common';
import { ProblemException } from '../problems/problem.exception';

/** A partial update must change something: `{}` is refused. Runs after validation. */
@Injectable()
export class NonEmptyBodyPipe implements PipeTransform<object, object> {
  transform(body: object): object {
    if (Object.values(body).every((value) => value === undefined)) {
      throw ProblemException.validation([{ field: '', message: { key: 'validation.request.atLeastOneField' } }]);
    }
    return body;
  }
}
