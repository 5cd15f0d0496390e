import { SetMetadata } from '@nestjs/common';

export const UNVERIFIED_ALLOWED = 'unverifiedAllowed';

/**
 * A route the token of an account whose address is not proven may call even with
 * REQUIRE_EMAIL_VERIFICATION: what verifying needs (read the profile, ask for a new mail). Other
 * routes that need a token answer it 403 EMAIL_NOT_VERIFIED; public ones (logout) take it.
 */
export const UnverifiedAllowed = () => SetMetadata(UNVERIFIED_ALLOWED, true);
