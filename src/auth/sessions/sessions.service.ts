import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditAction } from '../../audit/audit-action.enum';
import { AuditContext, AuditRecord, auditRecord } from '../../audit/audit-record';
import type { ClientOrigin } from '../../common/http/client-origin';
import { problem, ProblemException } from '../../common/problems/problem.exception';
import { AppConfig } from '../../config/app-config';
import type { AccessTokenClaims, AuthenticationMethod } from '../tokens/access-token-claims';
import { AccessTokensService } from '../tokens/access-tokens.service';
import { TokenResponseDto } from './dto/token-response.dto';
import { newSecretToken, sha256Hex } from '../tokens/secret-token';
import type { AuthenticatedUser } from '../../access/authenticated-user';
import { deviceLabel } from './device-label';
import { SessionView } from './dto/session-view.dto';
import { SessionActivity } from './session-activity';
import { RefreshedSession, SessionOrigin, SessionsRepository } from './sessions.repository';
import type { User } from '../../users/user.entity';
import { ErrorCode } from '../../common/problems/error-code.enum';

type RefreshOutcome = RefreshedSession | 'reused' | 'invalid';

/**
 * Sessions and their tokens: a short-lived JWT access token that names the session, and an
 * opaque, single-use refresh token kept only as a SHA-256 hash and rotated on every refresh.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly activity: SessionActivity,
    private readonly accessTokens: AccessTokensService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Opens a session for a user who just proved who they are, by `amr`, from `origin`, with the
   * event of that (a login) when given. One round trip.
   */
  async open(
    user: Pick<User, 'id' | 'email_verified'>,
    origin: SessionOrigin,
    event?: AuditRecord,
    amr: AuthenticationMethod[] = ['pwd'],
  ): Promise<TokenResponseDto> {
    const sessionId = randomUUID();
    const refreshToken = newSecretToken();
    const audit = event && { ...event, details: { ...event.details, session_id: sessionId } };
    await this.sessions.open(sessionId, user.id, this.config.jwt.refreshExpiresInSeconds, sha256Hex(refreshToken), origin, audit, amr);
    const session = { sessionId, userId: user.id, loggedInAt: new Date(), amr, emailVerified: user.email_verified };
    return this.tokens(session, refreshToken);
  }

  /**
   * The user's open sessions as devices (the current one and the 99 last used), `currentSessionId`'s
   * marked. A session seen since the last write of its use (at most a minute ago) shows that time.
   */
  async devices(userId: number, currentSessionId?: string): Promise<SessionView[]> {
    const open = await this.sessions.listOpen(userId, currentSessionId);
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

  /**
   * Ends one listed session of the user (its access tokens stop at once), by the context's actor;
   * false when there is none. `callerSessionId`: the owner's request, checked in the statement.
   */
  end(userId: number, sessionId: string, context: AuditContext, callerSessionId?: string): Promise<boolean> {
    const event = auditRecord(context, AuditAction.SESSION_ENDED, userId, { session_id: sessionId });
    return this.sessions.endListed(sessionId, userId, { callerSessionId, audit: event });
  }

  /** Ends every session of the caller but its own; false when its own is no longer open. */
  endOthers(caller: AuthenticatedUser, origin: ClientOrigin): Promise<boolean> {
    const event = auditRecord({ actorId: caller.id, origin }, AuditAction.SESSION_ENDED, caller.id, { sessions: 'all_but_current' });
    return this.sessions.endOthers(caller.id, caller.sessionId, event);
  }

  /** Ends every session of the user, by the context's actor. */
  endAll(userId: number, context: AuditContext): Promise<void> {
    return this.sessions.revokeAllOf(userId, { audit: auditRecord(context, AuditAction.SESSION_ENDED, userId, { sessions: 'all' }) });
  }

  /**
   * Exchanges a refresh token for a new pair. Of two concurrent exchanges one claims the token;
   * the other, and any use within REFRESH_REUSE_INTERVAL of the exchange (two tabs at once), gets
   * a pair of its own in the same session. A later reuse is a replay and ends the whole session.
   * With REQUIRE_EMAIL_VERIFICATION, an unverified account's token is refused and stays unused,
   * so that it works once the address is proven.
   */
  async refresh(refreshToken: string, origin: ClientOrigin): Promise<TokenResponseDto> {
    const next = newSecretToken();
    const hash = sha256Hex(refreshToken);
    const { refreshExpiresInSeconds, refreshReuseSeconds } = this.config.jwt;
    const outcome = await this.sessions.transaction(async (sessions): Promise<RefreshOutcome> => {
      const claimed = await sessions.claimRefreshToken(hash);
      const sessionId = claimed ?? (refreshReuseSeconds > 0 ? await sessions.exchangedWithin(hash, refreshReuseSeconds) : undefined);
      if (!sessionId) {
        // The event is about the session's user, its session_id added: the statement knows both.
        const event = auditRecord({ actorId: null, origin }, AuditAction.REFRESH_TOKEN_REUSED, null);
        return (await sessions.revokeByAnyRefreshToken(hash, event)) ? 'reused' : 'invalid';
      }
      const session = await sessions.extend(sessionId, refreshExpiresInSeconds);
      if (!session) return 'invalid';
      // Thrown, so that the transaction rolls the claim back.
      if (this.config.emailTokens.requireVerification && !session.emailVerified) throw problem(ErrorCode.EMAIL_NOT_VERIFIED);
      await sessions.addRefreshToken(sha256Hex(next), session.sessionId);
      return session;
    });
    if (typeof outcome === 'string') {
      throw ProblemException.unauthorized(
        outcome === 'reused' ? { key: 'problems.auth.refreshReused' } : { key: 'problems.auth.refreshInvalid' },
      );
    }
    return this.tokens(outcome, next);
  }

  /**
   * Ends the session of the access token, of the refresh token, or both, with a logout event for
   * each; false when neither named an open session.
   */
  logout(caller: AuthenticatedUser | undefined, refreshToken: string | undefined, origin: ClientOrigin): Promise<boolean> {
    return this.sessions.transaction(async (sessions) => {
      const own = caller && auditRecord({ actorId: caller.id, origin }, AuditAction.LOGOUT, caller.id, { session_id: caller.sessionId });
      const byAccess = caller !== undefined && (await sessions.revoke(caller.sessionId, caller.id, own));
      // By and about the session's user, its session_id added: the statement knows them.
      const event = auditRecord({ actorId: null, origin }, AuditAction.LOGOUT, null);
      const byRefresh = refreshToken !== undefined && (await sessions.revokeByRefreshToken(sha256Hex(refreshToken), event)) !== undefined;
      return byAccess || byRefresh;
    });
  }

  private tokens(session: RefreshedSession, refreshToken: string): TokenResponseDto {
    const { expiresInSeconds } = this.config.jwt;
    const claims: AccessTokenClaims = {
      sub: String(session.userId),
      sid: session.sessionId,
      auth_time: Math.floor(session.loggedInAt.getTime() / 1000),
      amr: session.amr,
      email_verified: session.emailVerified,
    };
    return {
      access_token: this.accessTokens.sign(claims),
      token_type: 'Bearer',
      expires_in: expiresInSeconds,
      refresh_token: refreshToken,
    };
  }
}
