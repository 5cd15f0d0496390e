import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../users/user.entity';

/**
 * A challenge handed to a browser for one passkey ceremony: spent by the answer that signs it,
 * whatever its outcome, or dead when it expires (2 minutes).
 */
@Entity('webauthn_challenges')
export class WebauthnChallenge {
  /** The challenge as the options carried it, base64url. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  challenge: string;

  /** `register`, `login` (a passkey on its own) or `second_factor` (after a password). */
  @Column({ type: 'varchar', length: 16 })
  purpose: string;

  /** The account it is for; none for a login by passkey alone (the passkey names the account). */
  @Column({ type: 'integer', nullable: true })
  user_id: number | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Index()
  @Column({ type: 'timestamptz' })
  expires_at: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;
}
