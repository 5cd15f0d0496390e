import { InitialSchema1764000000000 } from './1764000000000-initial-schema';

/** Every migration, in order. A generated migration is added here by hand. */
export const migrations = [InitialSchema1764000000000];
