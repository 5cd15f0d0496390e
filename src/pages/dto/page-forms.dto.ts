import { IsString, MaxLength } from 'class-validator';
import { LinkTokenField } from '../../auth/email-links/dto/email-links.dto';
import { PasswordField } from '../../users/dto/user-fields';
import { fieldMessage } from '../../common/validation/field-message';

/** The form of a page whose step needs only the link's token (verify, confirm or undo an email change). */
export class LinkTokenForm {
  @LinkTokenField() token: string;
}

/** The form of the reset and invitation pages: the token, and the new password twice. */
export class NewPasswordForm {
  @LinkTokenField() token: string;

  @PasswordField('required', 'new_password') new_password: string;

  /** Compared with new_password by the controller; bounded here so that no long string is compared. */
  @IsString({ message: fieldMessage('validation.field.notString', { field: 'new_password_confirmation' }) })
  @MaxLength(300, { message: fieldMessage('validation.field.tooLong', { field: 'new_password_confirmation' }) })
  new_password_confirmation: string;
}
