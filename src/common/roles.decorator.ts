import { Reflector } from '@nestjs/core';
import type { Role } from '../users/role.enum';

/** The roles a route is for; checked by RolesGuard against the database. */
export const Roles = Reflector.createDecorator<Role[]>();
