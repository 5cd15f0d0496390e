import { ApiProperty } from '@nestjs/swagger';
import { Role } from '../access/role.enum';
import { type Locale, LOCALES } from '../i18n/locale';
import type { User } from './user.entity';

/** What an account has of second factors; never the factors themselves. */
export class MfaView {
  @ApiProperty({ example: false, description: 'an authenticator app (TOTP) is set up: login asks for its code' }) totp: boolean;
  @ApiProperty({ example: 0, description: 'how many passkeys are registered' }) passkeys: number;
}

/** A user as every response shows it: never a password hash, never a deletion mark. */
export class UserView {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ example: 'jane.doe@example.com' }) email: string;
  @ApiProperty({ example: 'janedoe_123' }) username: string;
  @ApiProperty({ example: 'Jane Doe' }) name: string;
  @ApiProperty({ type: String, nullable: true, example: 'Jane' }) firstname: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Doe' }) lastname: string | null;
  @ApiProperty({ type: String, nullable: true, example: '+1234567890' }) phone_number: string | null;
  @ApiProperty({ example: 'profile-pictures/default.jpg' }) image_path: string;
  @ApiProperty({ enum: Role, enumName: 'Role', example: Role.USER }) role: Role;
  @ApiProperty({ example: true }) is_active: boolean;
  @ApiProperty({ example: false, description: 'true once the owner followed a link sent to this email; false again when it changes' })
  email_verified: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'an address the owner asked to change to, until its link is followed; null when none',
  })
  pending_email: string | null;
  @ApiProperty({ enum: LOCALES, enumName: 'Locale', example: 'en', description: 'the language of the account\'s mails and pages' })
  locale: Locale;
  @ApiProperty({ type: MfaView }) mfa: MfaView;
  @ApiProperty({ format: 'date-time', example: '2025-09-25T12:14:44.000Z' }) created_at: string;
  @ApiProperty({ format: 'date-time', example: '2025-10-24T02:30:15.000Z' }) updated_at: string;
}

/** The one place a user row becomes its public view: fields are picked, never spread. */
export function toUserView(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    name: user.name,
    firstname: user.firstname,
    lastname: user.lastname,
    phone_number: user.phone_number,
    image_path: user.image_path,
    role: user.role,
    is_active: user.is_active,
    email_verified: user.email_verified,
    pending_email: user.pending_email,
    locale: user.locale,
    mfa: { totp: user.mfa_totp, passkeys: user.mfa_passkeys },
    created_at: new Date(user.created_at).toISOString(),
    updated_at: new Date(user.updated_at).toISOString(),
  };
}
