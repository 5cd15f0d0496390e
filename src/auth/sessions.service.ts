import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { ProblemException } from '../common/problem.exception';
import { AppConfig } from '../config/app-config';
import type { AccessTokenClaims } from './access-token-claims';
import { TokenResponseDto } from './dto/token-response.dto';
import { newSecretToken, sha256Hex } from './secret-token';
import type { AuthenticatedUser } from '../users/authenticated-user';
import { deviceLabel } from './device-label';
import { SessionView } from './dto/session-view.dto';
import { SessionActivity } from './session-activity';
import { LiveSession, SessionOrigin, SessionsRepository } from './sessions.repository';

type RefreshOutcome = LiveSession | 'reused' | 'invalid';

/**
 * Sessions and their tokens: a short-lived JWT access token that names the session, and an
 * opaque, single-use refresh token kept only as a SHA-256 hash and rotated on every refresh.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly activity: SessionActivity,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  /** Opens a session for a user who just proved who they are, from `origin`. One round trip. */
  async open(userId: number, origin: SessionOrigin): Promise<TokenResponseDto> {
    const sessionId = randomUUID();
    const refreshToken = newSecretToken();
    await this.sessions.open(sessionId, userId, this.config.jwt.refreshExpiresInSeconds, sha256Hex(refreshToken), origin);
    return this.tokens(userId, sessionId, refreshToken);
  }

  /**
   * The user's open sessions as devices, `currentSessionId`'s marked. A session seen since the
   * last write of its use (at most a minute ago) shows that time.
   */
  async devices(userId: number, currentSessionId?: string): Promise<SessionView[]> {
    const open = await this.sessions.listOpen(userId);
    return open.map((session) => {
      const seen = this.activity.pending(session.id);
      const lastUsed = seen && seen > new Date(session.last_used_at) ? seen : new Date(session.last_used_at);
      return {
        id: session.id,
        current: session.id === currentSessionId,
        created_at: new Date(session.created_at).toISOString(),
        last_used_at: lastUsed.toISOString(),
        ip: session.ip,
        user_agent: session.user_agent,
        device: deviceLabel(session.user_agent),
      };
    });
  }

  /** Ends one listed session of the user (its access tokens stop at once); false when there is none. */
  end(userId: number, sessionId: string, callerSessionId?: string): Promise<boolean> {
    return this.sessions.endListed(sessionId, userId, callerSessionId);
  }

  /** Ends every session of the caller but its own; false when its own is no longer open. */
  endOthers(caller: AuthenticatedUser): Promise<boolean> {
    return this.sessions.endOthers(caller.id, caller.sessionId);
  }

  /** Ends every session of the user. */
  endAll(userId: number): Promise<void> {
    return this.sessions.revokeAllOf(userId);
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
