import type { FieldHints } from '../../common/validation/validation.pipe';

/** What a caller sending a field its route does not take should do instead. */
export const USER_FIELD_HINTS: FieldHints = {
  password: { key: 'validation.hints.password' },
  role: { key: 'validation.hints.role' },
  is_active: { key: 'validation.hints.isActive' },
  id: { key: 'validation.hints.id' },
};
