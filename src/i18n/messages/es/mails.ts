import type { Translation } from '../translation';
import type { mails as english } from '../en/mails';

/** Spanish mails texts: the keys of the English file, each translated. */
export const mails = {} satisfies Translation<typeof english>;
