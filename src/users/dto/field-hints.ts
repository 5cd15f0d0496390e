import type { FieldHints } from '../../common/validation/validation.pipe';

/** What a caller sending a field its route does not take should do instead. */
export const USER_FIELD_HINTS: FieldHints = {
  password: 'password cannot be changed here; use POST /users/password.',
  role: 'role cannot be changed here; only an administrator can change it.',
  is_active: 'is_active cannot be changed here; only an administrator can change it.',
  id: 'id cannot be changed.',
};
