import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../users/user.entity';

/**
 * A redirect to a provider, waiting for its return: found by its `state` (kept as a SHA-256),
 * spent by the first return, whatever it brings; dead after 10 minutes.
 */
@Entity('oauth_flows')
export class OAuthFlow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  state_hash: string;

  @Column({ type: 'varchar', length: 32 })
  provider: string;

  /** A login's browser: the SHA-256 of its flow cookie, which the return must bring. Null when linking. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  browser_hash: string | null;

  /** Linking: the account that asked, which alone may take the result. Null for a login. */
  @Column({ type: 'integer', nullable: true })
  user_id: number | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** What the strategy checks on the return: the PKCE verifier, the state and the nonce. */
  @Column({ type: 'jsonb' })
  checks: Record<string, unknown>;

  /** The frontend's address the return goes on to, checked when the flow began. */
  @Column({ type: 'varchar', length: 2048 })
  return_url: string;

  @Index()
  @Column({ type: 'timestamptz' })
  expires_at: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;
}
