import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ProblemException } from '../common/problem.exception';
import { queryRows } from '../database/query-rows';
import { AppConfig } from '../config/app-config';
import type { AccessTokenClaims } from './access-token.service';
import { TokenResponseDto } from './dto/token-response.dto';

type RefreshOutcome = { sessionId: string; userId: number } | 'reused' | 'invalid';

/**
 * Sessions and their tokens: a short-lived JWT access token that names the session, and an
 * opaque, single-use refresh token kept only as a SHA-256 hash and rotated on every refresh.
 */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  /** Opens a session for a user who just proved who they are. One round trip. */
  async open(userId: number): Promise<TokenResponseDto> {
    const sessionId = randomUUID();
    const refreshToken = newRefreshToken();
    await this.dataSource.query(
      `WITH session AS (
         INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + $3 * interval '1 second')
         RETURNING id
       )
       INSERT INTO refresh_tokens (token_hash, session_id) SELECT $4, id FROM session`,
      [sessionId, userId, this.config.jwt.refreshExpiresInSeconds, sha256(refreshToken)],
    );
    return this.tokens(userId, sessionId, refreshToken);
  }

  /**
   * Exchanges a refresh token for a new pair. The token is marked used in the same statement
   * that finds it, so of two concurrent exchanges one wins; the other, like any later reuse,
   * is a replay and revokes the whole session.
   */
  async refresh(refreshToken: string): Promise<TokenResponseDto> {
    const next = newRefreshToken();
    const outcome = await this.dataSource.transaction(async (manager): Promise<RefreshOutcome> => {
      const hash = sha256(refreshToken);
      const [claimed] = await queryRows<{ session_id: string }>(
        manager,
        `UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL
         RETURNING session_id`,
        [hash],
      );
      if (!claimed) {
        const [known] = await queryRows(
          manager,
          `UPDATE sessions SET revoked_at = coalesce(revoked_at, now())
           WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $1) RETURNING id`,
          [hash],
        );
        return known ? 'reused' : 'invalid';
      }
      const session = await this.extend(manager, claimed.session_id);
      if (!session) return 'invalid';
      await manager.query(`INSERT INTO refresh_tokens (token_hash, session_id) VALUES ($1, $2)`, [
        sha256(next),
        session.sessionId,
      ]);
      return session;
    });
    if (typeof outcome === 'string') {
      throw ProblemException.unauthorized(
        outcome === 'reused'
          ? 'This refresh token was already used: its session has been ended.'
          : 'The refresh token is not valid.',
      );
    }
    return this.tokens(outcome.userId, outcome.sessionId, next);
  }

  /** Ends the session that an access token or a refresh token belongs to. */
  async revoke(session: { sessionId: string; userId: number } | { refreshToken: string }): Promise<boolean> {
    const { manager } = this.dataSource;
    const [ended] =
      'sessionId' in session
        ? await queryRows(
            manager,
            `UPDATE sessions SET revoked_at = now()
             WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`,
            [session.sessionId, session.userId],
          )
        : await queryRows(
            manager,
            `UPDATE sessions SET revoked_at = now()
             WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $1 AND used_at IS NULL)
               AND revoked_at IS NULL RETURNING id`,
            [sha256(session.refreshToken)],
          );
    return Boolean(ended);
  }

  /** Moves a live session's end forward, if it and its user are still in good standing. */
  private async extend(manager: EntityManager, sessionId: string) {
    const [row] = await queryRows<{ session_id: string; user_id: number }>(
      manager,
      `UPDATE sessions s SET expires_at = now() + $2 * interval '1 second'
       FROM users u
       WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
         AND u.id = s.user_id AND u.deleted_at IS NULL AND u.is_active
       RETURNING s.id AS session_id, s.user_id`,
      [sessionId, this.config.jwt.refreshExpiresInSeconds],
    );
    return row ? { sessionId: row.session_id, userId: row.user_id } : undefined;
  }

  private async tokens(userId: number, sessionId: string, refreshToken: string): Promise<TokenResponseDto> {
    const { expiresInSeconds } = this.config.jwt;
    const claims: AccessTokenClaims = { sub: String(userId), sid: sessionId };
    return {
      // A token id of its own, so that no two access tokens are alike, even in one second.
      access_token: await this.jwt.signAsync(claims, { expiresIn: expiresInSeconds, jwtid: randomUUID() }),
      token_type: 'Bearer',
      expires_in: expiresInSeconds,
      refresh_token: refreshToken,
    };
  }
}

function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
