import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A mail to deliver, written in the same transaction as the change that causes it. The worker
 * of any instance claims due rows (FOR UPDATE SKIP LOCKED), sends them, and marks each sent or
 * schedules the next try; after the last try the row stays, failed, with its last error. Once
 * a row is sent or given up, its text and HTML (which carry a token's link) are erased.
 */
@Entity('mail_outbox')
@Index('IDX_mail_outbox_due', ['next_attempt_at'], { where: 'sent_at IS NULL AND failed_at IS NULL' })
@Index('IDX_mail_outbox_recipient', ['recipient', 'kind', 'created_at'])
export class OutboxMail {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  /** The template it was made from: what an operator reads, and what the per-recipient limit counts. */
  @Column({ type: 'varchar', length: 32 })
  kind: string;

  @Column({ type: 'varchar', length: 254 })
  recipient: string;

  @Column({ type: 'varchar', length: 200 })
  subject: string;

  @Column({ type: 'text', nullable: true })
  text: string | null;

  @Column({ type: 'text', nullable: true })
  html: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  next_attempt_at: Date;

  @Column({ type: 'timestamptz', nullable: true })
  sent_at: Date | null;

  /** Set when the worker gave up: the row stays for an operator, with `last_error`. */
  @Column({ type: 'timestamptz', nullable: true })
  failed_at: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  last_error: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;
}
