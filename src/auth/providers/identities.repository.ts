import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuditRecord } from '../../audit/audit-record';
import { insertEvent } from '../../audit/audit.repository';
import { BoundRepository } from '../../database/bound-repository';
import { queryRows } from '../../database/query-rows';
import type { ProviderProfile } from './provider-profile';

/** A linked identity, as its owner's list shows it. */
export interface IdentityRow {
  id: string;
  provider: string;
  email: string | null;
  email_verified: boolean;
  linked_at: Date;
  last_used_at: Date | null;
}

/** The account a provider's account is linked to, with what a login asks of it. */
export interface LinkedAccount {
  identityId: string;
  userId: number;
  isActive: boolean;
  emailVerified: boolean;
  mfaTotp: boolean;
  mfaPasskeys: number;
}

const LISTED = 'id, provider, email, email_verified, linked_at, last_used_at';

/** Every statement on `identities`; the services hold the rules. */
@Injectable()
export class IdentitiesRepository extends BoundRepository {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource);
  }

  /** The live account that the provider's account is linked to. */
  async linkedAccount(provider: string, subject: string): Promise<LinkedAccount | undefined> {
    const [row] = await queryRows<{ id: string; user_id: number; is_active: boolean; email_verified: boolean; mfa_totp: boolean; mfa_passkeys: number }>(
      this.manager,
      `SELECT i.id, i.user_id, u.is_active, u.email_verified, u.mfa_totp, u.mfa_passkeys
         FROM identities i JOIN users u ON u.id = i.user_id AND u.deleted_at IS NULL
        WHERE i.provider = $1 AND i.subject = $2`,
      [provider, subject],
    );
    return (
      row && {
        identityId: row.id,
        userId: row.user_id,
        isActive: row.is_active,
        emailVerified: row.email_verified,
        mfaTotp: row.mfa_totp,
        mfaPasskeys: row.mfa_passkeys,
      }
    );
  }

  /**
   * Releases the provider's account from a deleted account (deletion keeps the row, as it keeps
   * the account's), so that it may sign up or be linked again, as the deleted account's address may.
   */
  async releaseFromDeleted(provider: string, subject: string): Promise<void> {
    await queryRows(
      this.manager,
      `DELETE FROM identities i USING users u WHERE i.provider = $1 AND i.subject = $2 AND u.id = i.user_id AND u.deleted_at IS NOT NULL`,
      [provider, subject],
    );
  }

  /** Keeps what the provider said at this login (its email may have changed) and when it was. */
  async used(id: string, profile: ProviderProfile): Promise<void> {
    await queryRows(this.manager, `UPDATE identities SET email = $2, email_verified = $3, last_used_at = now() WHERE id = $1`, [
      id,
      profile.email,
      profile.emailVerified,
    ]);
  }

  /** Links a provider's account, with its event; the unique indexes refuse a second link of either side. */
  async insert(id: string, userId: number, provider: string, profile: ProviderProfile, event?: AuditRecord): Promise<IdentityRow> {
    const [row] = await queryRows<IdentityRow>(
      this.manager,
      `INSERT INTO identities (id, user_id, provider, subject, email, email_verified, last_used_at)
       VALUES ($1, $2, $3, $4, $5, $6, now()) RETURNING ${LISTED}`,
      [id, userId, provider, profile.subject, profile.email, profile.emailVerified],
    );
    if (event) await insertEvent(this.manager, event);
    return row;
  }

  listOf(userId: number): Promise<IdentityRow[]> {
    return queryRows<IdentityRow>(this.manager, `SELECT ${LISTED} FROM identities WHERE user_id = $1 ORDER BY linked_at, id`, [userId]);
  }

  /** The providers an account is linked to. */
  async providersOf(userId: number): Promise<string[]> {
    const rows = await queryRows<{ provider: string }>(this.manager, `SELECT provider FROM identities WHERE user_id = $1 ORDER BY provider`, [userId]);
    return rows.map((row) => row.provider);
  }

  /** Unlinks one of the account's identities, with its event; its provider, or undefined when there is none such. */
  async delete(userId: number, id: string, event: (provider: string) => AuditRecord): Promise<string | undefined> {
    const [row] = await queryRows<{ provider: string }>(this.manager, `DELETE FROM identities WHERE id = $2 AND user_id = $1 RETURNING provider`, [
      userId,
      id,
    ]);
    if (row) await insertEvent(this.manager, event(row.provider));
    return row?.provider;
  }
}
