import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions as devices: when each was last used (moved at most once a minute by the instance that
 * saw it: src/auth/session-activity.ts), and the client address and User-Agent it began from.
 */
export class SessionDevices1764500000000 implements MigrationInterface {
  name = 'SessionDevices1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" ADD "last_used_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD "ip" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD "user_agent" character varying(512)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "user_agent"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "ip"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "last_used_at"`);
  }
}
