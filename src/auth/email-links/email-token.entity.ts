import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../users/user.entity';

/** What a link in a mail lets its holder do. */
export enum EmailTokenKind {
  VERIFY = 'verify',
  RESET = 'reset',
  INVITE = 'invite',
  /** Sent to the new address of an owner's change: following it makes the change. */
  EMAIL_CHANGE = 'email_change',
  /** Sent to the address an owner's change leaves: following it undoes the change and ends every session. */
  EMAIL_CHANGE_CANCEL = 'email_change_cancel',
}

/**
 * A token sent in a mail link, kept only as its SHA-256 hash. Single use (`used_at`), with a
 * lifetime by kind; a new one voids the older unused ones of its kind for the same user.
 */
@Entity('email_tokens')
@Index(['user_id', 'kind'])
export class EmailToken {
  @PrimaryColumn({ type: 'char', length: 64 })
  token_hash: string;

  @Column({ type: 'integer' })
  user_id: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'enum', enum: EmailTokenKind, enumName: 'email_token_kind' })
  kind: EmailTokenKind;

  /** The address the link went to: following a verification link proves this one. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'timestamptz' })
  expires_at: Date;

  @Column({ type: 'timestamptz', nullable: true })
  used_at: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;
}
