import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BoundRepository } from '../../database/bound-repository';
import { queryRows } from '../../database/query-rows';
import type { ProviderProfile } from './provider-profile';

/** A redirect to a provider, as its return finds it. */
export interface WaitingFlow {
  provider: string;
  browserHash: string | null;
  userId: number | null;
  checks: Record<string, unknown>;
  returnUrl: string;
}

/** A provider's answer waiting for the frontend's exchange. */
export interface WaitingResult {
  provider: string;
  userId: number | null;
  profile: ProviderProfile;
}

/** Every statement on `oauth_flows` and `oauth_codes`: both found by a secret's SHA-256, each spent by the statement that finds it. */
@Injectable()
export class OAuthFlowsRepository extends BoundRepository {
  constructor(@InjectDataSource() dataSource: DataSource) {
    super(dataSource);
  }

  async saveFlow(stateHash: string, flow: WaitingFlow, lifetimeSeconds: number): Promise<void> {
    await queryRows(
      this.manager,
      `INSERT INTO oauth_flows (state_hash, provider, browser_hash, user_id, checks, return_url, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + $7 * interval '1 second')`,
      [stateHash, flow.provider, flow.browserHash, flow.userId, JSON.stringify(flow.checks), flow.returnUrl, lifetimeSeconds],
    );
  }

  /** Spends the flow of a state, if it is the provider's and unexpired: of two returns with one state, one gets it. */
  async spendFlow(stateHash: string, provider: string): Promise<WaitingFlow | undefined> {
    const [row] = await queryRows<{ browser_hash: string | null; user_id: number | null; checks: Record<string, unknown>; return_url: string }>(
      this.manager,
      `DELETE FROM oauth_flows WHERE state_hash = $1 AND provider = $2 AND expires_at > now()
       RETURNING browser_hash, user_id, checks, return_url`,
      [stateHash, provider],
    );
    return row && { provider, browserHash: row.browser_hash, userId: row.user_id, checks: row.checks, returnUrl: row.return_url };
  }

  async saveResult(codeHash: string, result: WaitingResult, lifetimeSeconds: number): Promise<void> {
    await queryRows(
      this.manager,
      `INSERT INTO oauth_codes (code_hash, provider, user_id, profile, expires_at) VALUES ($1, $2, $3, $4, now() + $5 * interval '1 second')`,
      [codeHash, result.provider, result.userId, JSON.stringify(result.profile), lifetimeSeconds],
    );
  }

  /** Spends a one-time code, if unexpired. */
  async spendResult(codeHash: string): Promise<WaitingResult | undefined> {
    const [row] = await queryRows<{ provider: string; user_id: number | null; profile: ProviderProfile }>(
      this.manager,
      `DELETE FROM oauth_codes WHERE code_hash = $1 AND expires_at > now() RETURNING provider, user_id, profile`,
      [codeHash],
    );
    return row && { provider: row.provider, userId: row.user_id, profile: row.profile };
  }
}
