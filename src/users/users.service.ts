import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomInt } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ErrorCode } from '../common/error-code.enum';
import { ProblemException } from '../common/problem.exception';
import { violatedUniqueIndex } from '../database/unique-violation';
import { PasswordService } from './password.service';
import { Role } from './role.enum';
import { User } from './user.entity';

/** The columns a caller may set; `password` is plain text and stored as a bcrypt hash. */
export type UserChanges = Partial<
  Pick<
    User,
    | 'email'
    | 'username'
    | 'name'
    | 'firstname'
    | 'lastname'
    | 'phone_number'
    | 'image_path'
    | 'role'
    | 'is_active'
  >
> & { password?: string };

export type NewUser = UserChanges & Pick<User, 'email' | 'name'> & { password: string };

/** What each unique index of the users table means to a caller. */
const CONFLICTS: Record<string, [ErrorCode, string]> = {
  users_email_live_key: [ErrorCode.EMAIL_TAKEN, 'An account with this email already exists.'],
  users_username_live_key: [ErrorCode.USERNAME_TAKEN, 'This username is taken.'],
};

/** `live`: any account not deleted (the admin API); `active`: live and not deactivated. */
type Scope = 'live' | 'active';

/** Tries for a free generated username before giving up with 409. */
const USERNAME_ATTEMPTS = 5;

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly passwords: PasswordService,
  ) {}

  /** A live (not deleted) account, active or not. */
  findById(id: number): Promise<User | null> {
    return this.dataSource.manager
      .createQueryBuilder(User, 'user')
      .where('user.id = :id', { id })
      .getOne();
  }

  /** A live account by email or username, ignoring case, as the unique indexes see it. */
  findByLogin(login: { email?: string; username?: string }): Promise<User | null> {
    const [column, value] =
      login.email !== undefined ? ['email', login.email] : ['username', login.username];
    return this.dataSource.manager
      .createQueryBuilder(User, 'user')
      .where(`lower(user.${column}) = lower(:value)`, { value })
      .getOne();
  }

  /**
   * Inserts an account. A username left out is made from the email and, when taken, retried
   * with a random suffix; every other collision is a 409 decided by the unique indexes.
   */
  async create(input: NewUser): Promise<User> {
    const { password, ...fields } = input;
    const values = { ...fields, password_hash: await this.passwords.hash(password) };
    const base = fields.username ?? usernameFromEmail(fields.email);
    for (let attempt = 0; ; attempt++) {
      const username = attempt === 0 ? base : withSuffix(base);
      try {
        const { raw } = await this.dataSource.manager
          .createQueryBuilder()
          .insert()
          .into(User)
          .values({ ...values, username })
          .returning('*')
          .execute();
        return (raw as User[])[0];
      } catch (error) {
        const index = violatedUniqueIndex(error);
        const generated = fields.username === undefined;
        if (index === 'users_username_live_key' && generated && attempt < USERNAME_ATTEMPTS) {
          continue;
        }
        throw conflictOr(error, index);
      }
    }
  }

  /**
   * Writes only the columns given, in one statement, and returns the row as stored. Taking
   * the role or activity from the last active admin is refused with 409.
   */
  async update(id: number, changes: UserChanges): Promise<User> {
    return this.write(id, changes, 'live');
  }

  /** A user's change to their own profile: the account must still be live and active. */
  async updateProfile(id: number, changes: UserChanges): Promise<User> {
    return this.write(id, changes, 'active');
  }

  private async write(id: number, changes: UserChanges, scope: Scope): Promise<User> {
    const { password, ...fields } = changes;
    const values: Partial<User> = Object.fromEntries(
      Object.entries(fields).filter(([, value]) => value !== undefined),
    );
    if (password !== undefined) values.password_hash = await this.passwords.hash(password);
    const demotes =
      (changes.role !== undefined && changes.role !== Role.ADMIN) || changes.is_active === false;
    try {
      return demotes
        ? await this.dataSource.transaction(async (manager) => {
            await this.keepOneActiveAdmin(manager, id);
            return this.updateRow(manager, id, values, scope);
          })
        : await this.updateRow(this.dataSource.manager, id, values, scope);
    } catch (error) {
      throw conflictOr(error, violatedUniqueIndex(error));
    }
  }

  private async updateRow(
    manager: EntityManager,
    id: number,
    values: Partial<User>,
    scope: Scope,
  ): Promise<User> {
    const { raw } = await manager
      .createQueryBuilder()
      .update(User)
      .set(values)
      .where(`id = :id AND deleted_at IS NULL${scope === 'active' ? ' AND is_active' : ''}`, { id })
      .returning('*')
      .execute();
    const [user] = raw as User[];
    if (user) return user;
    // An account gone from under its own token is the token's problem, not a missing resource.
    throw scope === 'active' ? ProblemException.unauthorized() : ProblemException.userNotFound();
  }

  /**
   * Locks every active admin row, so that two admins demoting each other at once cannot both
   * succeed, and refuses when `id` is the only one.
   */
  private async keepOneActiveAdmin(manager: EntityManager, id: number): Promise<void> {
    const admins: { id: number }[] = await manager.query(
      `SELECT id FROM users WHERE role = 'ADMIN' AND is_active AND deleted_at IS NULL FOR UPDATE`,
    );
    if (admins.length === 1 && admins[0].id === id) {
      throw new ProblemException(
        HttpStatus.CONFLICT,
        ErrorCode.LAST_ADMIN,
        'The last active administrator cannot be demoted or deactivated.',
      );
    }
  }
}

function conflictOr(error: unknown, index: string | undefined): unknown {
  const conflict = index === undefined ? undefined : CONFLICTS[index];
  return conflict ? new ProblemException(HttpStatus.CONFLICT, ...conflict) : error;
}

/** `Jane.Doe+news@example.com` → `jane.doe_news`: 3 to 23 allowed characters, room for a suffix. */
export function usernameFromEmail(email: string): string {
  const local = email.split('@')[0].toLowerCase().replace(/[^a-z0-9_.-]/g, '_');
  return local.padEnd(3, '_').slice(0, 23);
}

function withSuffix(base: string): string {
  return `${base}_${randomInt(100000, 1000000)}`;
}
