import type { Translation } from '../translation';
import type { problems as english } from '../en/problems';

/** Spanish problems texts: the keys of the English file, each translated. */
export const problems = {} satisfies Translation<typeof english>;
