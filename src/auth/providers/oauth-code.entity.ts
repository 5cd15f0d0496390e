import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../users/user.entity';

/**
 * What a provider said of its user, waiting for the frontend's POST /auth/oauth/exchange: named
 * by the one-time code the return gave the frontend (kept as a SHA-256); one use, one minute.
 */
@Entity('oauth_codes')
export class OAuthCode {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  code_hash: string;

  @Column({ type: 'varchar', length: 32 })
  provider: string;

  /** Linking: the account that began it. Null for a login. */
  @Column({ type: 'integer', nullable: true })
  user_id: number | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** The provider's account: subject, email, whether verified, a name to make a username of. */
  @Column({ type: 'jsonb' })
  profile: Record<string, unknown>;

  @Index()
  @Column({ type: 'timestamptz' })
  expires_at: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;
}
