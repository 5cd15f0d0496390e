import { mails as enMails } from './en/mails';
import { pages as enPages } from './en/pages';
import { problems as enProblems } from './en/problems';
import { validation as enValidation } from './en/validation';
import { mails as esMails } from './es/mails';
import { pages as esPages } from './es/pages';
import { problems as esProblems } from './es/problems';
import { validation as esValidation } from './es/validation';
import type { KeyPaths, Translation } from './translation';

/** Every text the service shows people, in English: problems, field messages, mails, pages. */
export const english = { problems: enProblems, validation: enValidation, mails: enMails, pages: enPages };

/** The same keys in Spanish; TypeScript refuses a key that is missing (messages.spec.ts checks the rest). */
export const spanish: Translation<typeof english> = {
  problems: esProblems,
  validation: esValidation,
  mails: esMails,
  pages: esPages,
};

/** A text's key, such as "problems.INVALID_TOKEN": only keys that exist compile. */
export type MessageKey = KeyPaths<typeof english>;
