import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../../mail/mail.module';
import { UsersModule } from '../../users/users.module';
import { EmailLinkMails } from './email-link-mails';
import { EmailLinksController } from './email-links.controller';
import { EmailLinksService } from './email-links.service';
import { EmailToken } from './email-token.entity';
import { EmailTokensRepository } from './email-tokens.repository';

/**
 * The links sent by mail: verify an address, reset a password, accept an invitation, confirm or
 * undo an email change. Each is a one-time token bound to the address it was sent to.
 */
@Module({
  imports: [UsersModule, MailModule, TypeOrmModule.forFeature([EmailToken])],
  controllers: [EmailLinksController],
  providers: [EmailLinksService, EmailTokensRepository, EmailLinkMails],
  exports: [EmailLinkMails, EmailLinksService],
})
export class EmailLinksModule {}
