import { EmailToken } from '../../src/auth/email-links/email-token.entity';
import { RefreshToken } from '../../src/auth/sessions/refresh-token.entity';
import { Session } from '../../src/auth/sessions/session.entity';
import { AppDataSource } from '../../src/database/app-data-source';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { OutboxMail } from '../../src/mail/outbox-mail.entity';
import { User } from '../../src/users/user.entity';

/** An in-memory PGlite with every entity, migrated as the service migrates it: for repository specs. */
export async function migratedDatabase(): Promise<AppDataSource> {
  const options = await dataSourceOptions({ dataDir: 'memory://' });
  const dataSource = await new AppDataSource({ ...options, entities: [User, Session, RefreshToken, EmailToken, OutboxMail] }).initialize();
  await dataSource.migrate();
  return dataSource;
}
