import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { ProblemException } from '../common/problem.exception';
import { AppConfig } from '../config/app-config';
import type { AccessTokenClaims } from './access-token-claims';
import { TokenResponseDto } from './dto/token-response.dto';
import { newSecretToken, sha256Hex } from './secret-token';
import { LiveSession, SessionsRepository } from './sessions.repository';

type RefreshOutcome = LiveSession | 'reused' | 'invalid';

/**
 * Sessions and their tokens: a short-lived JWT access token that names the session, and an
 * opaque, single-use refresh token kept only as a SHA-256 hash and rotated on every refresh.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  /** Opens a session for a user who just proved who they are. One round trip. */
  async open(userId: number): Promise<TokenResponseDto> {
    const sessionId = randomUUID();
    const refreshToken = newSecretToken();
    await this.sessions.open(sessionId, userId, this.config.jwt.refreshExpiresInSeconds, sha256Hex(refreshToken));
    return this.tokens(userId, sessionId, refreshToken);
  }

  /**
   * Exchanges a refresh token for a new pair. Of two concurrent exchanges one wins; the other,
   * like any later reuse, is a replay and revokes the whole session.
   */
  async refresh(refreshToken: string): Promise<TokenResponseDto> {
    const next = newSecretToken();
    const hash = sha256Hex(refreshToken);
    const outcome = await this.sessions.transaction(async (sessions): Promise<RefreshOutcome> => {
      const claimed = await sessions.claimRefreshToken(hash);
      if (!claimed) return (await sessions.revokeByAnyRefreshToken(hash)) ? 'reused' : 'invalid';
      const session = await sessions.extend(claimed, this.config.jwt.refreshExpiresInSeconds);
      if (!session) return 'invalid';
      await sessions.addRefreshToken(sha256Hex(next), session.sessionId);
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
  revoke(session: LiveSession | { refreshToken: string }): Promise<boolean> {
    return 'sessionId' in session
      ? this.sessions.revoke(session.sessionId, session.userId)
      : this.sessions.revokeByRefreshToken(sha256Hex(session.refreshToken));
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
