import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { RefreshTokensAndVersions1764100000000 } from './1764100000000-refresh-tokens-and-versions';
import { EmailAndOutbox1764200000000 } from './1764200000000-email-and-outbox';
import { UserSearchIndexes1764300000000 } from './1764300000000-user-search-indexes';
import { Avatars1764400000000 } from './1764400000000-avatars';
import { SessionDevices1764500000000 } from './1764500000000-session-devices';
import { AuditEvents1764600000000 } from './1764600000000-audit-events';
import { EmailChange1764700000000 } from './1764700000000-email-change';
import { UserLocale1764800000000 } from './1764800000000-user-locale';
import { SecondFactor1764900000000 } from './1764900000000-second-factor';
import { Passkeys1765000000000 } from './1765000000000-passkeys';
import { Providers1765100000000 } from './1765100000000-providers';
import { SigningKeys1765200000000 } from './1765200000000-signing-keys';

/** Every migration, in order. A generated migration is added here by hand. */
export const migrations = [
  InitialSchema1764000000000,
  RefreshTokensAndVersions1764100000000,
  EmailAndOutbox1764200000000,
  UserSearchIndexes1764300000000,
  Avatars1764400000000,
  SessionDevices1764500000000,
  AuditEvents1764600000000,
  EmailChange1764700000000,
  UserLocale1764800000000,
  SecondFactor1764900000000,
  Passkeys1765000000000,
  Providers1765100000000,
  SigningKeys1765200000000,
];
