import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BoundRepository } from '../../database/bound-repository';
import { queryRows } from '../../database/query-rows';
import type { Locale } from '../../i18n/locale';
import type { EmailTokenKind } from './email-token.entity';

/** What a spent token proved: whose it was, of which kind, and the address it went to. */
export interface SpentEmailToken {
  user_id: number;
  kind: EmailTokenKind;
  email: string;
}

/** A link as its page sees it (EmailTokensRepository.pageLink). */
export interface PageLink {
  usable?: SpentEmailToken;
  locale?: Locale;
}

/** Every statement on `email_tokens`; tokens are only ever handled as their SHA-256. */
@Injectable()
export class EmailTokensRepository extends BoundRepository {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource);
  }

  /**
   * A new token of `kind` for the user, voiding the unused ones of that kind, in one statement;
   * but for the links that undo email changes, which each undo their own change.
   */
  async issue(tokenHash: string, userId: number, kind: EmailTokenKind, email: string, lifetimeSeconds: number): Promise<void> {
    await this.manager.query(
      `WITH voided AS (
         UPDATE email_tokens SET used_at = now()
          WHERE user_id = $2 AND kind = $3 AND used_at IS NULL AND kind <> 'email_change_cancel'
       )
       INSERT INTO email_tokens (token_hash, user_id, kind, email, expires_at)
       VALUES ($1, $2, $3, $4, now() + $5 * interval '1 second')`,
      [tokenHash, userId, kind, email, lifetimeSeconds],
    );
  }

  /**
   * The unused, unexpired token of one of `kinds`, without spending it: to check what it is
   * for before the change it allows (a weak new password must not spend a reset link).
   */
  async findUsable(tokenHash: string, kinds: EmailTokenKind[]): Promise<SpentEmailToken | undefined> {
    const [token] = await queryRows<SpentEmailToken>(
      this.manager,
      `SELECT user_id, kind, email FROM email_tokens
        WHERE token_hash = $1 AND kind = ANY($2) AND used_at IS NULL AND expires_at > now()`,
      [tokenHash, kinds],
    );
    return token;
  }

  /**
   * What the page a token's link opens needs, in one read that spends nothing: the token while it
   * is usable for one of `kinds`, and the language of its live account, which a used or expired
   * token still names (the page speaks it, whatever the outcome).
   */
  async pageLink(tokenHash: string, kinds: EmailTokenKind[]): Promise<PageLink> {
    const [row] = await queryRows<SpentEmailToken & { locale: Locale | null; usable: boolean }>(
      this.manager,
      `SELECT t.user_id, t.kind, t.email, u.locale,
              t.kind = ANY($2) AND t.used_at IS NULL AND t.expires_at > now() AS usable
         FROM email_tokens t LEFT JOIN users u ON u.id = t.user_id AND u.deleted_at IS NULL
        WHERE t.token_hash = $1`,
      [tokenHash, kinds],
    );
    if (!row) return {};
    const { locale, usable, ...token } = row;
    return { usable: usable ? token : undefined, locale: locale ?? undefined };
  }

  /** Spends the token in the statement that finds it, so that of two concurrent uses one wins. */
  async spend(tokenHash: string, kinds: EmailTokenKind[]): Promise<SpentEmailToken | undefined> {
    const [token] = await queryRows<SpentEmailToken>(
      this.manager,
      `UPDATE email_tokens SET used_at = now()
        WHERE token_hash = $1 AND kind = ANY($2) AND used_at IS NULL AND expires_at > now()
        RETURNING user_id, kind, email`,
      [tokenHash, kinds],
    );
    return token;
  }

  /**
   * Voids the user's unused links that undo email changes made after the one `tokenHash` undid:
   * those changes are undone with it. Older ones stay: a later change cannot void the link that
   * undoes an earlier one.
   */
  async voidLaterCancelLinks(userId: number, tokenHash: string): Promise<void> {
    await this.manager.query(
      `UPDATE email_tokens SET used_at = now()
        WHERE user_id = $1 AND kind = 'email_change_cancel' AND used_at IS NULL
          AND created_at >= (SELECT created_at FROM email_tokens WHERE token_hash = $2)`,
      [userId, tokenHash],
    );
  }

  /** Voids the user's unused tokens of `kinds` (a password changed: its reset links die). */
  async voidAll(userId: number, kinds: EmailTokenKind[]): Promise<void> {
    await this.manager.query(
      'UPDATE email_tokens SET used_at = now() WHERE user_id = $1 AND kind = ANY($2) AND used_at IS NULL',
      [userId, kinds],
    );
  }
}
