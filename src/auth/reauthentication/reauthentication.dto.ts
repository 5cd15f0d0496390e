import { PasswordField } from '../../users/dto/user-fields';

/**
 * What a change of the account's ways in (its second factors, its passkeys) asks: the current password, or nothing when
 * the access token's login is less than 10 minutes old.
 */
export class ReauthenticationDto {
  @PasswordField('optional', 'current_password', 1) current_password?: string;
}
