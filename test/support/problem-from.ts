import { ProblemException } from '../../src/common/problems/problem.exception';

/** The ProblemException a promise rejects with; fails the test when it resolves or throws another. */
export async function problemFrom(promise: Promise<unknown>): Promise<ProblemException> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ProblemException);
  return error as ProblemException;
}
