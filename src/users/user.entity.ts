import {
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { Role } from './role.enum';

export const DEFAULT_IMAGE_PATH = 'profile-pictures/default.jpg';

/**
 * A user account. Property names are the API's and the columns' (snake_case), so a raw
 * `RETURNING *` row is a User too. Email and username uniqueness among live rows lives in
 * expression indexes created by the migrations (TypeORM cannot declare them).
 */
@Entity('users')
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

  /** True once the owner followed a link sent to this address; false again when it changes. */
  @Column({ type: 'boolean', default: false })
  email_verified: boolean;

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
