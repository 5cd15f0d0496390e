import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AccessTokenClaims } from './authenticated-user';
import { TokenResponseDto } from './dto/token-response.dto';
import { Session } from './session.entity';

/** Opens sessions: a short-lived JWT access token and an opaque refresh token kept as a hash. */
@Injectable()
export class TokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  async openSession(userId: number): Promise<TokenResponseDto> {
    const { expiresInSeconds, refreshExpiresInSeconds } = this.config.jwt;
    const sessionId = randomUUID();
    const refreshToken = randomBytes(32).toString('base64url');
    await this.dataSource.manager.insert(Session, {
      id: sessionId,
      user_id: userId,
      refresh_token_hash: sha256(refreshToken),
      expires_at: new Date(Date.now() + refreshExpiresInSeconds * 1000),
    });
    const claims: AccessTokenClaims = { sub: String(userId), sid: sessionId };
    return {
      access_token: await this.jwt.signAsync(claims, { expiresIn: expiresInSeconds }),
      token_type: 'Bearer',
      expires_in: expiresInSeconds,
      refresh_token: refreshToken,
    };
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
