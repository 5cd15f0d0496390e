import { MigrationInterface, QueryRunner } from 'typeorm';

/** Refresh tokens move to a table of their own (rotation and reuse detection); users get a version. */
export class RefreshTokensAndVersions1764100000000 implements MigrationInterface {
  name = 'RefreshTokensAndVersions1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_d6185b2849a1e4d0c067a57ca8"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "refresh_token_hash"`);
    await queryRunner.query(`
      CREATE TABLE "refresh_tokens" (
        "token_hash" character(64) NOT NULL,
        "session_id" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "used_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_a7838d2ba25be1342091b6695f1" PRIMARY KEY ("token_hash")
      )`);
    await queryRunner.query(
      `CREATE INDEX "IDX_3bf308fa93da3966f9e76fcfba" ON "refresh_tokens" ("session_id")`,
    );
    await queryRunner.query(`
      ALTER TABLE "refresh_tokens" ADD CONSTRAINT "FK_3bf308fa93da3966f9e76fcfba4"
        FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "users" ADD "version" integer NOT NULL DEFAULT '1'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "version"`);
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
    // Sessions without a refresh token cannot go back: they are ended.
    await queryRunner.query(`DELETE FROM "sessions"`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD "refresh_token_hash" character(64) NOT NULL`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_d6185b2849a1e4d0c067a57ca8" ON "sessions" ("refresh_token_hash")`,
    );
  }
}
