import type { Translation } from '../translation';
import type { pages as english } from '../en/pages';

/** Spanish pages texts: the keys of the English file, each translated. */
export const pages = {} satisfies Translation<typeof english>;
