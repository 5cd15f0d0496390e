import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '../common/problems/error-code.enum';
import type { ProblemDetails } from '../common/problems/to-problem';
import type { Locale } from '../i18n/locale';
import { translate } from '../i18n/translator';
import type { LinkPage } from './link-pages';

/** Why a new password was refused, as the form says it again. */
export type PasswordError = 'length' | 'weak' | 'mismatch';

/** A page to answer: its template in views/, its status, and what the template shows (texts already in the page's language). */
export interface PageView {
  template: 'form' | 'outcome';
  status: number;
  data: Record<string, unknown>;
}

/** The form a link opens: what the step does, and a button that posts the token back. */
export function formView(page: LinkPage, locale: Locale, token: string, passwordError?: PasswordError): PageView {
  const t = (key: 'title' | 'intro' | 'button') => translate(locale, `pages.${page.texts}.${key}`);
  return {
    template: 'form',
    status: passwordError ? HttpStatus.BAD_REQUEST : HttpStatus.OK,
    data: {
      title: t('title'),
      intro: t('intro'),
      button: t('button'),
      action: page.path,
      token,
      password: page.choosesPassword && {
        newLabel: translate(locale, 'pages.password.newLabel'),
        confirmLabel: translate(locale, 'pages.password.confirmLabel'),
        rule: translate(locale, 'pages.password.rule'),
      },
      error: passwordError && {
        title: translate(locale, 'pages.password.errorTitle'),
        text: translate(locale, `pages.password.${passwordError}`),
      },
    },
  };
}

/** A page that says what happened and what to do next. */
function outcomeView(locale: Locale, status: number, tone: 'done' | 'problem', title: string, text: string, next: string): PageView {
  return { template: 'outcome', status, data: { tone, title, text, next, nextTitle: translate(locale, 'pages.whatNext') } };
}

/** The step is done. */
export function doneView(page: LinkPage, locale: Locale): PageView {
  const t = (key: 'doneTitle' | 'done' | 'next') => translate(locale, `pages.${page.texts}.${key}`);
  return outcomeView(locale, HttpStatus.OK, 'done', t('doneTitle'), t('done'), t('next'));
}

/** The link is unknown, used, expired or replaced: say so, and how to get a new one. */
export function invalidLinkView(page: LinkPage, locale: Locale): PageView {
  return outcomeView(
    locale,
    HttpStatus.BAD_REQUEST,
    'problem',
    translate(locale, 'pages.invalidLink.title'),
    translate(locale, 'pages.invalidLink.body'),
    translate(locale, `pages.${page.texts}.newLink`),
  );
}

/** Which field a refusal names first, if any. */
const refusedField = (problem: ProblemDetails, field: string) => problem.errors?.some((error) => error.field === field) ?? false;

/**
 * The page for a refused step. `token` is the one the form posted, when it is a token at all:
 * a refused password shows the form again with it, so that the link can still be used.
 */
export function problemView(
  page: LinkPage | undefined,
  locale: Locale,
  problem: ProblemDetails,
  token: string | undefined,
  retryAfterSeconds: number | undefined,
): PageView {
  if (page && (problem.code === ErrorCode.INVALID_TOKEN || refusedField(problem, 'token'))) return invalidLinkView(page, locale);
  if (page?.choosesPassword && token !== undefined) {
    if (problem.code === ErrorCode.WEAK_PASSWORD) return formView(page, locale, token, 'weak');
    if (refusedField(problem, 'new_password')) return formView(page, locale, token, 'length');
    if (refusedField(problem, 'new_password_confirmation')) return formView(page, locale, token, 'mismatch');
  }
  if (problem.code === ErrorCode.RATE_LIMITED) {
    const count = retryAfterSeconds ?? 60;
    return outcomeView(
      locale,
      problem.status,
      'problem',
      translate(locale, 'pages.rateLimited.title'),
      translate(locale, 'pages.rateLimited.body', { count }),
      translate(locale, 'pages.rateLimited.next'),
    );
  }
  if (problem.code === ErrorCode.EMAIL_TAKEN) {
    return outcomeView(
      locale,
      problem.status,
      'problem',
      translate(locale, 'pages.emailTaken.title'),
      translate(locale, 'pages.emailTaken.body'),
      translate(locale, 'pages.emailTaken.next'),
    );
  }
  return outcomeView(
    locale,
    problem.status,
    'problem',
    translate(locale, 'pages.error.title'),
    translate(locale, 'pages.error.body', { status: problem.status }),
    translate(locale, 'pages.error.next'),
  );
}
