import { MigrationInterface, QueryRunner } from 'typeorm';

/** The account's language (`en` or `es`) for its mails and pages; existing accounts read English. */
export class UserLocale1764800000000 implements MigrationInterface {
  name = 'UserLocale1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "public"."user_locale" AS ENUM('en', 'es')`);
    await queryRunner.query(`ALTER TABLE "users" ADD "locale" "public"."user_locale" NOT NULL DEFAULT 'en'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "locale"`);
    await queryRunner.query(`DROP TYPE "public"."user_locale"`);
  }
}
