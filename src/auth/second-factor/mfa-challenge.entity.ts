import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../users/user.entity';

/**
 * A login whose password was right, waiting for its second factor: the `mfa_token` it answered,
 * kept as its SHA-256. Ends with the right code, at its fifth wrong one, or when it expires.
 */
@Entity('mfa_challenges')
export class MfaChallenge {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  token_hash: string;

  @Index()
  @Column({ type: 'integer' })
  user_id: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** The provider whose login it follows (AUTH_PROVIDERS' id); null after a password. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  provider: string | null;

  /** Wrong codes so far. */
  @Column({ type: 'smallint', default: 0 })
  failures: number;

  @Index()
  @Column({ type: 'timestamptz' })
  expires_at: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;
}
