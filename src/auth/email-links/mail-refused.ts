import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem, ProblemException } from '../../common/problems/problem.exception';

/** The mail budget's hour, as a refused request's Retry-After. */
export const MAIL_BUDGET_WINDOW_SECONDS = 3_600;

/** 429 for a request whose mail the budget refused: nothing it asked for was changed. */
export function mailRefused(): ProblemException {
  return problem(ErrorCode.RATE_LIMITED, { key: 'problems.limits.mails' }, {
    headers: { 'Retry-After': String(MAIL_BUDGET_WINDOW_SECONDS) },
  });
}
