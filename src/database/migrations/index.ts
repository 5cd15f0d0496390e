import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { RefreshTokensAndVersions1764100000000 } from './1764100000000-refresh-tokens-and-versions';

/** Every migration, in order. A generated migration is added here by hand. */
export const migrations = [InitialSchema1764000000000, RefreshTokensAndVersions1764100000000];
