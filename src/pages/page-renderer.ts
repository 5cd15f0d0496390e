import type {} from '@fastify/view';
import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Locale } from '../i18n/locale';
import { translate } from '../i18n/translator';
import { pageHeaders } from './page-headers';
import type { PageView } from './page-views';

/** Renders a page with eta (@fastify/view, set up in app.factory.ts), with its status and headers. */
@Injectable()
export class PageRenderer {
  async render(reply: FastifyReply, locale: Locale, view: PageView): Promise<string> {
    void reply.status(view.status).headers(pageHeaders(locale));
    return reply.viewAsync(view.template, { ...view.data, lang: locale, site: translate(locale, 'pages.site') });
  }
}
