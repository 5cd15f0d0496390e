import { DEFAULT_LOCALE } from '../../i18n/locale';
import type { MessageKey } from '../../i18n/messages';
import { MessageParams, render } from '../../i18n/translator';
import type { Message } from '../../i18n/translator';
import type { ProblemText } from '../problems/problem.exception';

/**
 * class-validator carries a rule's message as a string, made when the DTO is declared: each is
 * its English text, mapped back here to its message so that the answer can be in the caller's
 * language. Its parameters are the service's own (field names, bounds), never a request's
 * values, so the map holds a fixed set; the bound is a guard all the same.
 */
const byEnglish = new Map<string, Message>();
const MAX_MESSAGES = 1_000;

/**
 * A DTO rule's message, for class-validator: a function that makes its English text when a rule
 * is first broken (not as the DTO is declared: the service's start renders nothing), and
 * remembers the message behind it.
 */
export function fieldMessage(key: MessageKey, params?: MessageParams): () => string {
  let english: string | undefined;
  return () => {
    if (english === undefined) {
      english = render(DEFAULT_LOCALE, { key, params });
      if (byEnglish.size < MAX_MESSAGES && !byEnglish.has(english)) byEnglish.set(english, { key, params });
    }
    return english;
  };
}

/** The message behind a class-validator text, or the text itself when it is a library's own words. */
export function messageOf(text: string): ProblemText {
  return byEnglish.get(text) ?? text;
}
