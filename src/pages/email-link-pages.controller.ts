import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req, Res, UseFilters } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../access/public.decorator';
import { RateLimited } from '../access/rate-limited.decorator';
import { EmailLinksService } from '../auth/email-links/email-links.service';
import type { PageLink } from '../auth/email-links/email-tokens.repository';
import type { ClientOrigin } from '../common/http/client-origin';
import { Origin } from '../common/http/client-origin';
import { FORM_ROUTE } from '../common/http/json-only.hook';
import { ProblemException } from '../common/problems/problem.exception';
import { LinkTokenForm, NewPasswordForm } from './dto/page-forms.dto';
import { LINK_PAGES, LinkPage, linkToken } from './link-pages';
import { pageLocale } from './page-locale';
import { PageOutcomeFilter } from './page-outcome.filter';
import { PageRenderer } from './page-renderer';
import { doneView, formView, invalidLinkView } from './page-views';

/**
 * The pages the links in mails open, when no frontend serves them (APP_URL unset). A GET only
 * shows a form: mail scanners and link previews fetch links, and must not use them up. The form
 * posts the token back, and the POST does what the JSON route does, through the same service
 * method, rate limit included. Every outcome is a page (PageOutcomeFilter), never problem+json.
 */
@ApiExcludeController()
@Public()
@UseFilters(PageOutcomeFilter)
@Controller()
export class EmailLinkPagesController {
  constructor(
    private readonly links: EmailLinksService,
    private readonly pages: PageRenderer,
  ) {}

  @Get(LINK_PAGES.verifyEmail.path)
  verifyEmailPage(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return this.form(LINK_PAGES.verifyEmail, request, reply);
  }

  @Post(LINK_PAGES.verifyEmail.path)
  @RouteConfig(FORM_ROUTE)
  @HttpCode(HttpStatus.OK)
  async verifyEmail(
    @Body() form: LinkTokenForm,
    @Origin() origin: ClientOrigin,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.step(LINK_PAGES.verifyEmail, form.token, request, reply, () => this.links.verifyEmail(form.token, origin));
  }

  @Get(LINK_PAGES.resetPassword.path)
  resetPasswordPage(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return this.form(LINK_PAGES.resetPassword, request, reply);
  }

  @Post(LINK_PAGES.resetPassword.path)
  @RouteConfig(FORM_ROUTE)
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  resetPassword(
    @Body() form: NewPasswordForm,
    @Origin() origin: ClientOrigin,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.newPassword(LINK_PAGES.resetPassword, form, origin, request, reply);
  }

  @Get(LINK_PAGES.acceptInvite.path)
  acceptInvitePage(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return this.form(LINK_PAGES.acceptInvite, request, reply);
  }

  @Post(LINK_PAGES.acceptInvite.path)
  @RouteConfig(FORM_ROUTE)
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  acceptInvite(
    @Body() form: NewPasswordForm,
    @Origin() origin: ClientOrigin,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.newPassword(LINK_PAGES.acceptInvite, form, origin, request, reply);
  }

  @Get(LINK_PAGES.confirmEmailChange.path)
  confirmEmailChangePage(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return this.form(LINK_PAGES.confirmEmailChange, request, reply);
  }

  @Post(LINK_PAGES.confirmEmailChange.path)
  @RouteConfig(FORM_ROUTE)
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  confirmEmailChange(
    @Body() form: LinkTokenForm,
    @Origin() origin: ClientOrigin,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const page = LINK_PAGES.confirmEmailChange;
    return this.step(page, form.token, request, reply, () => this.links.confirmEmailChange(form.token, origin));
  }

  @Get(LINK_PAGES.cancelEmailChange.path)
  cancelEmailChangePage(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return this.form(LINK_PAGES.cancelEmailChange, request, reply);
  }

  @Post(LINK_PAGES.cancelEmailChange.path)
  @RouteConfig(FORM_ROUTE)
  @RateLimited()
  @HttpCode(HttpStatus.OK)
  cancelEmailChange(
    @Body() form: LinkTokenForm,
    @Origin() origin: ClientOrigin,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const page = LINK_PAGES.cancelEmailChange;
    return this.step(page, form.token, request, reply, () => this.links.cancelEmailChange(form.token, origin));
  }

  /** GET: the step's form, when the link is usable (nothing is spent); else why it is not. */
  private async form(page: LinkPage, request: FastifyRequest, reply: FastifyReply): Promise<string> {
    const token = linkToken((request.query as Record<string, unknown> | undefined)?.token);
    const link: PageLink = token === undefined ? {} : await this.links.pageLink(token, page.kinds);
    const locale = pageLocale(request, link.locale);
    return this.pages.render(reply, locale, token && link.usable ? formView(page, locale, token) : invalidLinkView(page, locale));
  }

  /** The reset and invitation pages' step: the two passwords must match, then the JSON route's rules apply. */
  private newPassword(
    page: LinkPage,
    form: NewPasswordForm,
    origin: ClientOrigin,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<string> {
    if (form.new_password !== form.new_password_confirmation) {
      const mismatch = { field: 'new_password_confirmation', message: { key: 'validation.password.mismatch' } } as const;
      throw ProblemException.validation([mismatch]);
    }
    return this.step(page, form.token, request, reply, () => this.links.resetPassword(form.token, form.new_password, origin));
  }

  /** Does the step, and says it is done, in the account's language. */
  private async step(
    page: LinkPage,
    token: string,
    request: FastifyRequest,
    reply: FastifyReply,
    work: () => Promise<unknown>,
  ): Promise<string> {
    const locale = pageLocale(request, (await this.links.pageLink(token, page.kinds)).locale);
    await work();
    return this.pages.render(reply, locale, doneView(page, locale));
  }
}
