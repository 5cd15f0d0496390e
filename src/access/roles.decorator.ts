import { Reflector } from '@nestjs/core';
import type { Role } from './role.enum';

/** The roles a route is for; auth's RolesGuard checks them against the database. */
export const Roles = Reflector.createDecorator<Role[]>();

/**
 * On a @Roles() route whose service checks the caller's role itself, in the route's own
 * statement where it can (one round trip instead of two): RolesGuard then does not look.
 */
export const RoleCheckedInStatement = Reflector.createDecorator<boolean>();
