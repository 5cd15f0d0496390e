import { MigrationInterface, QueryRunner } from 'typeorm';

/** Verified emails and mail links (email_tokens), the mail outbox, and accounts invited without a password. */
export class EmailAndOutbox1764200000000 implements MigrationInterface {
  name = 'EmailAndOutbox1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "public"."email_token_kind" AS ENUM('verify', 'reset', 'invite')`);
    await queryRunner.query(`
      CREATE TABLE "email_tokens" (
        "token_hash" character(64) NOT NULL,
        "user_id" integer NOT NULL,
        "kind" "public"."email_token_kind" NOT NULL,
        "email" character varying(254) NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_8acb431edfc9f9d0e77741468ed" PRIMARY KEY ("token_hash")
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_d280c0aada39de73437431778c" ON "email_tokens" ("user_id", "kind")`);
    await queryRunner.query(`
      ALTER TABLE "email_tokens" ADD CONSTRAINT "FK_018295f41628791c301bfe8b625"
        FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`
      CREATE TABLE "mail_outbox" (
        "id" integer GENERATED ALWAYS AS IDENTITY NOT NULL,
        "kind" character varying(32) NOT NULL,
        "recipient" character varying(254) NOT NULL,
        "subject" character varying(200) NOT NULL,
        "text" text,
        "html" text,
        "attempts" integer NOT NULL DEFAULT '0',
        "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "sent_at" TIMESTAMP WITH TIME ZONE,
        "failed_at" TIMESTAMP WITH TIME ZONE,
        "last_error" character varying(500),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_fecc63c96385bc35a39ccf2a72e" PRIMARY KEY ("id")
      )`);
    // The worker's scan: only rows still to deliver.
    await queryRunner.query(
      `CREATE INDEX "IDX_mail_outbox_due" ON "mail_outbox" ("next_attempt_at") WHERE sent_at IS NULL AND failed_at IS NULL`,
    );
    // The per-recipient limit: mails of one kind to one address in the last hour.
    await queryRunner.query(
      `CREATE INDEX "IDX_mail_outbox_recipient" ON "mail_outbox" ("recipient", "kind", "created_at")`,
    );
    await queryRunner.query(`ALTER TABLE "users" ADD "email_verified" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "users" ALTER COLUMN "password_hash" DROP NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Invited accounts that never set a password cannot go back: they are removed.
    await queryRunner.query(`DELETE FROM "users" WHERE "password_hash" IS NULL`);
    await queryRunner.query(`ALTER TABLE "users" ALTER COLUMN "password_hash" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "email_verified"`);
    await queryRunner.query(`DROP TABLE "mail_outbox"`);
    await queryRunner.query(`DROP TABLE "email_tokens"`);
    await queryRunner.query(`DROP TYPE "public"."email_token_kind"`);
  }
}
