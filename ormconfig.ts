import { AuditEvent } from './src/audit/audit-event.entity';
import { EmailToken } from './src/auth/email-links/email-token.entity';
import { RefreshToken } from './src/auth/sessions/refresh-token.entity';
import { Session } from './src/auth/sessions/session.entity';
import { MfaChallenge } from './src/auth/second-factor/mfa-challenge.entity';
import { Passkey } from './src/auth/passkeys/passkey.entity';
import { WebauthnChallenge } from './src/auth/passkeys/webauthn-challenge.entity';
import { Identity } from './src/auth/providers/identity.entity';
import { SigningKey } from './src/auth/keys/signing-key.entity';
import { OAuthCode } from './src/auth/providers/oauth-code.entity';
import { OAuthFlow } from './src/auth/providers/oauth-flow.entity';
import { RecoveryCode } from './src/auth/second-factor/recovery-code.entity';
import { TotpFactor } from './src/auth/second-factor/totp-factor.entity';
import { AppConfig } from './src/config/app-config';
import { AppDataSource } from './src/database/app-data-source';
import { dataSourceOptions } from './src/database/data-source-options';
import { OutboxMail } from './src/mail/outbox-mail.entity';
import { User } from './src/users/user.entity';

// The TypeORM CLI's data source (npm run migration:*), on the database the service would use,
// with every entity (the service's modules each register their own).
export default dataSourceOptions(AppConfig.fromEnvironment().database).then(
  (options) => new AppDataSource({ ...options, entities: [User, Session, RefreshToken, EmailToken, OutboxMail, AuditEvent, TotpFactor, RecoveryCode, MfaChallenge, Passkey, WebauthnChallenge, Identity, OAuthFlow, OAuthCode, SigningKey] }),
);
