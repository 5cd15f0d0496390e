import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail (src/audit): append-only, read newest first by subject, actor or action. No
 * index on `at`: every event costs each index a write, and the events come in time order, so the
 * purge finds the old ones at the heap's start and a time window is a range of ids.
 */
export class AuditEvents1764600000000 implements MigrationInterface {
  name = 'AuditEvents1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_events" (
        "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "action" character varying(64) NOT NULL,
        "actor_id" integer,
        "user_id" integer,
        "ip" character varying(64),
        "request_id" character varying(128),
        "details" jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT "PK_audit_events" PRIMARY KEY ("id")
      )`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_audit_events_user" ON "audit_events" ("user_id", "id")`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_events_actor" ON "audit_events" ("actor_id", "id")`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_events_action" ON "audit_events" ("action", "id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_events"`);
  }
}
