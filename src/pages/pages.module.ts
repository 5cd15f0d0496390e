import { Module } from '@nestjs/common';
import { EmailLinksModule } from '../auth/email-links/email-links.module';
import { EmailLinkPagesController } from './email-link-pages.controller';
import { PageOutcomeFilter } from './page-outcome.filter';
import { PageRenderer } from './page-renderer';
import { PageAssetsController } from './page-assets.controller';

/**
 * Server-rendered pages for the links in mails (verify, reset, invitation, email change), in the
 * account's language, for when no frontend serves them; their templates are in views/.
 */
@Module({
  imports: [EmailLinksModule],
  controllers: [EmailLinkPagesController, PageAssetsController],
  providers: [PageRenderer, PageOutcomeFilter],
})
export class PagesModule {}
