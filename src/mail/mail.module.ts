import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { LogMailTransport } from './log-mail.transport';
import { MailBudget } from './mail-budget';
import { MailOutboxRepository } from './mail-outbox.repository';
import { MailOutboxWorker } from './mail-outbox.worker';
import { MailTransport } from './mail-transport';
import { Mailer } from './mailer.service';
import { OutboxMail } from './outbox-mail.entity';
import { SmtpMailTransport } from './smtp-mail.transport';

/** Mail through a transactional outbox: features queue with Mailer, each instance's worker delivers. */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxMail])],
  providers: [
    MailOutboxRepository,
    MailOutboxWorker,
    Mailer,
    MailBudget,
    {
      provide: MailTransport,
      inject: [AppConfig],
      useFactory: (config: AppConfig): MailTransport =>
        config.mail.transport === 'log'
          ? new LogMailTransport()
          : new SmtpMailTransport(config.mail.transport, config.mail.from),
    },
  ],
  exports: [Mailer],
})
export class MailModule {}
