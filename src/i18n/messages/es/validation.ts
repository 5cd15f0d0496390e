import type { Translation } from '../translation';
import type { validation as english } from '../en/validation';

/** Spanish validation texts: the keys of the English file, each translated. */
export const validation = {} satisfies Translation<typeof english>;
