import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../users/user.entity';

/**
 * An account's authenticator app: its secret sealed (secret-box.ts), never shown after its
 * enrolment. Pending until a first code confirms it; then login asks for a code.
 */
@Entity('totp_factors')
export class TotpFactor {
  @PrimaryColumn({ type: 'integer' })
  user_id: number;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** AES-256-GCM under MFA_ENCRYPTION_KEY, bound to the account: `v1.<iv>.<tag>.<ciphertext>`. */
  @Column({ type: 'varchar', length: 128 })
  secret: string;

  /** The time step of the last code taken: that code and every older one are refused (no replay). */
  @Column({ type: 'bigint', nullable: true })
  last_used_step: string | null;

  /** Null while the enrolment waits for its first code. */
  @Column({ type: 'timestamptz', nullable: true })
  confirmed_at: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;
}
