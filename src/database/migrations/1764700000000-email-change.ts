import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An owner's email change waits for the new address to follow its link (`pending_email`, which
 * reserves nothing: no index makes it unique), and the old address gets a link that undoes it:
 * the two new kinds of email token.
 */
export class EmailChange1764700000000 implements MigrationInterface {
  name = 'EmailChange1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "pending_email" character varying(254)`);
    await queryRunner.query(`ALTER TYPE "public"."email_token_kind" ADD VALUE 'email_change'`);
    await queryRunner.query(`ALTER TYPE "public"."email_token_kind" ADD VALUE 'email_change_cancel'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "email_tokens" WHERE "kind" IN ('email_change', 'email_change_cancel')`);
    await queryRunner.query(`ALTER TYPE "public"."email_token_kind" RENAME TO "email_token_kind_old"`);
    await queryRunner.query(`CREATE TYPE "public"."email_token_kind" AS ENUM('verify', 'reset', 'invite')`);
    await queryRunner.query(
      `ALTER TABLE "email_tokens" ALTER COLUMN "kind" TYPE "public"."email_token_kind" USING "kind"::text::"public"."email_token_kind"`,
    );
    await queryRunner.query(`DROP TYPE "public"."email_token_kind_old"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "pending_email"`);
  }
}
