import { EmailTokenKind } from '../auth/email-links/email-token.entity';

/** The key of a page's texts in src/i18n/messages/<locale>/pages.ts. */
export type LinkPageTexts = 'verifyEmail' | 'resetPassword' | 'acceptInvite' | 'confirmEmailChange' | 'cancelEmailChange';

/** One page a mail's link opens. */
export interface LinkPage {
  /** The path of the mail's link (Mailer.link), which the page's form posts back to. */
  path: string;
  texts: LinkPageTexts;
  /** The token kinds whose links the page takes, as the JSON route it stands for. */
  kinds: EmailTokenKind[];
  /** Whether the form asks for a new password. */
  choosesPassword: boolean;
}

/** The pages, by the paths the mails link to (src/auth/email-links/email-link-mails.ts). */
export const LINK_PAGES = {
  verifyEmail: { path: 'verify-email', texts: 'verifyEmail', kinds: [EmailTokenKind.VERIFY], choosesPassword: false },
  resetPassword: {
    path: 'reset-password',
    texts: 'resetPassword',
    kinds: [EmailTokenKind.RESET, EmailTokenKind.INVITE],
    choosesPassword: true,
  },
  acceptInvite: {
    path: 'accept-invite',
    texts: 'acceptInvite',
    kinds: [EmailTokenKind.RESET, EmailTokenKind.INVITE],
    choosesPassword: true,
  },
  confirmEmailChange: {
    path: 'confirm-email-change',
    texts: 'confirmEmailChange',
    kinds: [EmailTokenKind.EMAIL_CHANGE],
    choosesPassword: false,
  },
  cancelEmailChange: {
    path: 'cancel-email-change',
    texts: 'cancelEmailChange',
    kinds: [EmailTokenKind.EMAIL_CHANGE_CANCEL],
    choosesPassword: false,
  },
} as const satisfies Record<string, LinkPage>;

const BY_ROUTE = new Map<string, LinkPage>(Object.values(LINK_PAGES).map((page) => [`/${page.path}`, page]));

/** The page a route (Fastify's route pattern, "/verify-email") serves, if it serves one. */
export function linkPageOfRoute(route: string | undefined): LinkPage | undefined {
  return route === undefined ? undefined : BY_ROUTE.get(route);
}

/** A link's token as the JSON routes take it (LinkTokenDto: a string of 1 to 200 characters), or undefined. */
export function linkToken(value: unknown): string | undefined {
  return typeof value === 'string' && value.length >= 1 && value.length <= 200 ? value : undefined;
}
