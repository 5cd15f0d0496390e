import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../access/public.decorator';
import { entityTagOfText, ifNoneMatchNames } from '../../common/http/entity-tag';
import { headerRef } from '../../common/openapi/response-headers';
import { AppConfig } from '../../config/app-config';
import { JwksDto } from './dto/signing-key.dto';
import { OpenIdConfigurationDto } from './dto/openid-configuration.dto';
import { JwksDocument, SigningKeysService } from './signing-keys.service';

const PUBLIC_KEYS_HEADERS = { 'Cache-Control': headerRef('Cache-Control-Public-Keys'), ETag: headerRef('ETag-Public-Keys') };
const CLAIMS = ['iss', 'aud', 'sub', 'sid', 'auth_time', 'amr', 'email_verified', 'exp', 'iat', 'jti'];

/**
 * What another service needs to check this one's access tokens with nothing but a URL: the
 * public keys (JWKS) and the discovery document that names them. Both may be cached for
 * JWKS_MAX_AGE; both are made once per change of the keys.
 */
@ApiTags('keys')
@Public()
@Controller('.well-known')
export class WellKnownController {
  private readonly cacheControl: string;
  private discovered?: JwksDocument & { algorithms: string };

  constructor(
    private readonly keys: SigningKeysService,
    private readonly config: AppConfig,
  ) {
    this.cacheControl = `public, max-age=${config.jwt.jwksMaxAgeSeconds}`;
  }

  @Get('jwks.json')
  @ApiOperation({ operationId: 'getJwks', summary: 'The public keys that verify access tokens (JWKS), the next one included' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'the ETag of the keys held: 304 while they are the same' })
  @ApiOkResponse({ type: JwksDto, headers: PUBLIC_KEYS_HEADERS })
  @ApiResponse({ status: 304, description: 'Not modified: the keys are those of If-None-Match', headers: PUBLIC_KEYS_HEADERS })
  jwks(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): string | undefined {
    return this.answer(this.keys.jwks(), ifNoneMatch, reply);
  }

  @Get('openid-configuration')
  @ApiOperation({ operationId: 'getOpenIdConfiguration', summary: 'Discovery: the issuer, the JWKS address and the algorithms of access tokens' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'the ETag of the document held: 304 while it is the same' })
  @ApiOkResponse({ type: OpenIdConfigurationDto, headers: PUBLIC_KEYS_HEADERS })
  @ApiResponse({ status: 304, description: 'Not modified', headers: PUBLIC_KEYS_HEADERS })
  openIdConfiguration(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): string | undefined {
    const algorithms = this.keys.algorithms();
    if (this.discovered?.algorithms !== algorithms.join(' ')) this.discovered = { ...this.discoveryDocument(algorithms), algorithms: algorithms.join(' ') };
    return this.answer(this.discovered, ifNoneMatch, reply);
  }

  private discoveryDocument(algorithms: string[]): JwksDocument {
    const { publicUrl, jwt } = this.config;
    const body = JSON.stringify({
      issuer: jwt.issuer,
      jwks_uri: `${publicUrl}/.well-known/jwks.json`,
      token_endpoint: `${publicUrl}/auth/login`,
      id_token_signing_alg_values_supported: algorithms,
      subject_types_supported: ['public'],
      claims_supported: CLAIMS,
    } satisfies OpenIdConfigurationDto);
    return { body, etag: entityTagOfText(body) };
  }

  private answer({ body, etag }: JwksDocument, ifNoneMatch: string | undefined, reply: FastifyReply): string | undefined {
    void reply.headers({ 'cache-control': this.cacheControl, etag });
    if (ifNoneMatchNames(ifNoneMatch, etag)) {
      void reply.status(304);
      return undefined;
    }
    void reply.type('application/json; charset=utf-8');
    return body;
  }
}
