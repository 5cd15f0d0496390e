import { ErrorCode } from '../problems/error-code.enum';
import { IdParamPipe } from './id-param.pipe';
import { ProblemException } from '../problems/problem.exception';

describe('IdParamPipe', () => {
  const pipe = new IdParamPipe();

  it.each([
    ['1', 1],
    ['42', 42],
    ['2147483647', 2147483647],
  ])('turns %s into the number %d', (value, id) => {
    expect(pipe.transform(value)).toBe(id);
  });

  it.each(['2147483648', '9999999999', '99999999999', '0', '-1', '1.5', 'abc', '01', '', ' 1', '1e3'])(
    'refuses %p with 400 VALIDATION_FAILED on field id',
    (value) => {
      let thrown: unknown;
      try {
        pipe.transform(value);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ProblemException);
      const problem = thrown as ProblemException;
      expect(problem.getStatus()).toBe(400);
      expect(problem.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(problem.errors).toEqual([{ field: 'id', message: expect.any(String) }]);
    },
  );
});
