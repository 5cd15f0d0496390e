import { Injectable } from '@nestjs/common';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { AuditAction } from '../../audit/audit-action.enum';
import { auditRecord } from '../../audit/audit-record';
import type { ClientOrigin } from '../../common/http/client-origin';
import { ErrorCode } from '../../common/problems/error-code.enum';
import { problem } from '../../common/problems/problem.exception';
import { AppConfig } from '../../config/app-config';
import type { TokenResponseDto } from '../sessions/dto/token-response.dto';
import { SessionsService } from '../sessions/sessions.service';
import type { PasskeyLoginDto } from './dto/passkey-bodies.dto';
import { PasskeyCeremonies } from './passkey-ceremonies';

/**
 * A login with a passkey alone: the browser offers any passkey it has for this service (a
 * discoverable credential), verified with its user (a PIN or biometric), so no password and no
 * second factor are asked: the passkey is both.
 */
@Injectable()
export class PasskeyLoginService {
  constructor(
    private readonly ceremonies: PasskeyCeremonies,
    private readonly sessions: SessionsService,
    private readonly config: AppConfig,
  ) {}

  options(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.ceremonies.authenticationOptions('login', null);
  }

  async login(dto: PasskeyLoginDto, origin: ClientOrigin): Promise<TokenResponseDto> {
    const passkey = await this.ceremonies.verifyAssertion('login', null, dto.credential, { actorId: null, origin });
    const { owner } = passkey;
    if (!owner.isActive) throw problem(ErrorCode.ACCOUNT_DISABLED);
    if (this.config.emailTokens.requireVerification && !owner.emailVerified) throw problem(ErrorCode.EMAIL_NOT_VERIFIED);
    const event = auditRecord({ actorId: passkey.userId, origin }, AuditAction.LOGIN_SUCCEEDED, passkey.userId, { passkey_id: passkey.id });
    return this.sessions.open({ id: passkey.userId, email_verified: owner.emailVerified }, origin, event, ['webauthn']);
  }
}
