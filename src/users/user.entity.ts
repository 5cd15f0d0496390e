import {
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { Role } from '../access/role.enum';
import { DEFAULT_LOCALE, type Locale, LOCALES } from '../i18n/locale';

export const DEFAULT_IMAGE_PATH = 'profile-pictures/default.jpg';

/**
 * A user account. Property names are the API's and the columns' (snake_case), so a raw
 * `RETURNING *` row is a User too. Email and username uniqueness among live rows lives in
 * expression indexes created by the migrations (TypeORM cannot declare them), and so does the
 * trigram index of the admin list's search (IDX_users_search). The list's sorts each have an
 * index of live rows, `id` breaking ties (migration 1764300000000).
 */
@Entity('users')
@Index('IDX_users_live_email', ['email', 'id'], { where: 'deleted_at IS NULL' })
@Index('IDX_users_live_username', ['username', 'id'], { where: 'deleted_at IS NULL' })
@Index('IDX_users_live_name', ['name', 'id'], { where: 'deleted_at IS NULL' })
@Index('IDX_users_live_created_at', ['created_at', 'id'], { where: 'deleted_at IS NULL' })
@Index('IDX_users_live_updated_at', ['updated_at', 'id'], { where: 'deleted_at IS NULL' })
@Index('IDX_users_live_role', ['role', 'id'], { where: 'deleted_at IS NULL' })
// The purge's lookup of the accounts that show an uploaded picture (migration 1764400000000).
@Index('IDX_users_avatar_path', ['image_path'], { where: "image_path LIKE '/avatars/%'" })
export class User {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 30 })
  username: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  firstname: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  lastname: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  phone_number: string | null;

  @Column({ type: 'varchar', length: 512, default: DEFAULT_IMAGE_PATH })
  image_path: string;

  @Column({ type: 'enum', enum: Role, enumName: 'user_role', default: Role.USER })
  role: Role;

  @Column({ type: 'boolean', default: true })
  is_active: boolean;

  /** Null for an invited account until its first password is set. */
  @Column({ type: 'varchar', length: 72, nullable: true })
  password_hash: string | null;

  /** The address an owner's change waits on: it becomes `email` when its link is followed. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  pending_email: string | null;

  /** The language of the account's mails and pages. */
  @Column({ type: 'enum', enum: LOCALES, enumName: 'user_locale', default: DEFAULT_LOCALE })
  locale: Locale;

  /** True once the owner followed a link sent to this address; false again when it changes. */
  @Column({ type: 'boolean', default: false })
  email_verified: boolean;

  /** Whether login asks for an authenticator app's code (a confirmed TOTP factor). */
  @Column({ type: 'boolean', default: false })
  mfa_totp: boolean;

  /** How many passkeys the account has registered. */
  @Column({ type: 'smallint', default: 0 })
  mfa_passkeys: number;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at: Date;

  @DeleteDateColumn({ type: 'timestamptz', nullable: true })
  deleted_at: Date | null;

  /** Raised by every update: the user's ETag, for If-Match. */
  @VersionColumn({ type: 'integer', default: 1 })
  version: number;
}
