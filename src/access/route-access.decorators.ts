import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/problems/api-problems.decorator';
import { ErrorCode } from '../common/problems/error-code.enum';
import { Role } from './role.enum';
import { Roles } from './roles.decorator';

/**
 * The self-profile routes: any valid access token (the global guard's default), the caller's
 * own account. Any route that needs the database (or Redis) answers 503 while it is away; with
 * REQUIRE_EMAIL_VERIFICATION, an unverified account's token meets 403 on all but reading the profile.
 */
export const SelfProfileRoute = () =>
  applyDecorators(ApiTags('users'), ApiBearerAuth(), ApiProblems(ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.EMAIL_NOT_VERIFIED));

/** The admin routes: an access token whose user is an ADMIN, read from the database. */
export const AdminRoute = () =>
  applyDecorators(ApiTags('admin'), ApiBearerAuth(), Roles([Role.ADMIN]), ApiProblems(ErrorCode.SERVICE_UNAVAILABLE));
