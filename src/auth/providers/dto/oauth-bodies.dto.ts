import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { fieldMessage } from '../../../common/validation/field-message';
import { ReauthenticationDto } from '../../reauthentication/reauthentication.dto';
import { MAX_RETURN_URL } from '../return-url';

const RedirectTo = () => (target: object, key: string) => {
  ApiPropertyOptional({
    example: 'https://app.example.com/auth/callback',
    maxLength: MAX_RETURN_URL,
    description: "where the browser goes back with ?code= (or ?error=): an address of APP_URL's origin, or one of OAUTH_REDIRECT_URLS; APP_URL's root by default",
  })(target, key);
  IsOptional()(target, key);
  IsString({ message: fieldMessage('validation.field.notString', { field: 'redirect_to' }) })(target, key);
  MaxLength(MAX_RETURN_URL, { message: fieldMessage('validation.field.tooLong', { field: 'redirect_to', max: MAX_RETURN_URL }) })(target, key);
};

/** GET /auth/oauth/{id}'s query. */
export class OAuthStartQueryDto {
  @RedirectTo() redirect_to?: string;
}

/** POST /users/identities/{id}: re-authentication, and where the browser comes back to. */
export class LinkIdentityDto extends ReauthenticationDto {
  @RedirectTo() redirect_to?: string;
}

/** POST /users/identities/{id}'s answer: where to send the browser. */
export class AuthorizationUrlDto {
  @ApiProperty({ example: 'https://github.com/login/oauth/authorize?client_id=...&state=...' }) authorization_url: string;
}

/** POST /auth/oauth/exchange. */
export class OAuthExchangeDto {
  @ApiProperty({ example: 'q3Xw9...', description: 'the code of the return address, once, within a minute' })
  @IsString({ message: fieldMessage('validation.field.notString', { field: 'code' }) })
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: fieldMessage('validation.oauth.code') })
  code: string;
}
