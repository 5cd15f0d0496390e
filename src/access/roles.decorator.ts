import { Reflector } from '@nestjs/core';
import type { Role } from './role.enum';

/** The roles a route is for; auth's RolesGuard checks them against the database. */
export const Roles = Reflector.createDecorator<Role[]>();

