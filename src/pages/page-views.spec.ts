import { ErrorCode } from '../common/problems/error-code.enum';
import type { ProblemDetails } from '../common/problems/to-problem';
import { LINK_PAGES, linkPageOfRoute, linkToken } from './link-pages';
import { doneView, formView, problemView } from './page-views';

const problem = (status: number, code: ErrorCode, fields: string[] = []): ProblemDetails => ({
  type: 'about:blank',
  title: '',
  detail: '',
  status,
  code,
  errors: fields.map((field) => ({ field, message: `${field} is wrong.` })),
});

describe('the pages of the mail links, by outcome', () => {
  const { resetPassword, verifyEmail, cancelEmailChange } = LINK_PAGES;

  it('shows the password fields on the reset and invitation forms only', () => {
    expect(formView(resetPassword, 'en', 't').data.password).toMatchObject({ newLabel: 'New password' });
    expect(formView(LINK_PAGES.acceptInvite, 'es', 't').data.password).toMatchObject({ newLabel: 'Contraseña nueva' });
    expect(formView(verifyEmail, 'en', 't').data.password).toBe(false);
  });

  it('says a dead link is dead, and how to get another, for a token refused by the service or by the form rules', () => {
    for (const refused of [problem(400, ErrorCode.INVALID_TOKEN), problem(400, ErrorCode.VALIDATION_FAILED, ['token'])]) {
      const view = problemView(resetPassword, 'en', refused, 'token', undefined);
      expect(view).toMatchObject({ template: 'outcome', status: 400, data: { title: 'This link does not work any more' } });
      expect(view.data.next).toContain('Forgot password');
    }
  });

  it.each([
    [problem(400, ErrorCode.WEAK_PASSWORD, ['new_password']), 'too easy to guess'],
    [problem(400, ErrorCode.VALIDATION_FAILED, ['new_password']), 'too short or too long'],
    [problem(400, ErrorCode.VALIDATION_FAILED, ['new_password_confirmation']), 'not the same'],
  ])('shows the form again, with its token, for a refused password (%#)', (refused, reason) => {
    const view = problemView(resetPassword, 'en', refused, 'the-token', undefined);
    expect(view).toMatchObject({ template: 'form', status: 400, data: { token: 'the-token' } });
    expect((view.data.error as { text: string }).text).toContain(reason);
  });

  it('says what the problem is when the link is not usable any more, even for a password (no form without a usable token)', () => {
    const view = problemView(resetPassword, 'en', problem(400, ErrorCode.WEAK_PASSWORD), undefined, undefined);
    expect(view).toMatchObject({ template: 'outcome', status: 400, data: { title: 'Something went wrong' } });
  });

  it('says how long to wait when rate limited, in the page language, with its plural', () => {
    expect(problemView(verifyEmail, 'en', problem(429, ErrorCode.RATE_LIMITED), undefined, 1).data.text).toContain('wait 1 second ');
    expect(problemView(verifyEmail, 'es', problem(429, ErrorCode.RATE_LIMITED), undefined, 42).data.text).toContain('Espera 42 segundos');
  });

  it('keeps the status of any other problem, and says so in plain words', () => {
    const taken = problemView(cancelEmailChange, 'en', problem(409, ErrorCode.EMAIL_TAKEN), 't', undefined);
    expect(taken).toMatchObject({ status: 409, data: { title: 'This email address is already in use' } });
    const down = problemView(cancelEmailChange, 'es', problem(503, ErrorCode.SERVICE_UNAVAILABLE), 't', undefined);
    expect(down).toMatchObject({ status: 503, data: { title: 'Algo ha salido mal' } });
    expect(down.data.text).toContain('503');
  });

  it('says the step is done, with what to do next', () => {
    expect(doneView(resetPassword, 'en')).toMatchObject({ status: 200, data: { tone: 'done', next: 'You can now log in with your new password.' } });
  });

  it('finds a page by its route, and takes a token only as the JSON routes take it', () => {
    expect(linkPageOfRoute('/accept-invite')).toBe(LINK_PAGES.acceptInvite);
    expect(linkPageOfRoute('/auth/verify-email')).toBeUndefined();
    expect([linkToken('abc'), linkToken(''), linkToken('x'.repeat(201)), linkToken(['a', 'b']), linkToken(undefined)]).toEqual([
      'abc',
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
