import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One audit event: who (`actor_id`, none for an anonymous request) did what (`action`) to whose
 * account (`user_id`), from where, in which request. Written in the transaction of the change it
 * records; never updated, and deleted only by the purge after AUDIT_RETENTION_DAYS. No foreign
 * key: the trail outlives the accounts it names.
 */
@Entity('audit_events')
@Index('IDX_audit_events_user', ['user_id', 'id'])
@Index('IDX_audit_events_actor', ['actor_id', 'id'])
@Index('IDX_audit_events_action', ['action', 'id'])
export class AuditEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ type: 'integer', nullable: true })
  actor_id: number | null;

  @Column({ type: 'integer', nullable: true })
  user_id: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  request_id: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;
}
