import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Profile pictures, in the database that every instance shares: the re-encoded WebP bytes by the
 * SHA-256 of those bytes (its name in `/avatars/<hash>.webp`). `used_at` moves on each upload of
 * the same picture; the purge removes a picture no live account points at, an hour after its
 * last upload (src/purge/purge.repository.ts).
 */
export class Avatars1764400000000 implements MigrationInterface {
  name = 'Avatars1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "avatars" (
        "hash" character(64) NOT NULL,
        "bytes" bytea NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_avatars" PRIMARY KEY ("hash")
      )`,
    );
    // The purge's question, "does a live account still show this picture?", by index: only the
    // rows that show an uploaded picture are in it.
    await queryRunner.query(
      `CREATE INDEX "IDX_users_avatar_path" ON "users" ("image_path") WHERE image_path LIKE '/avatars/%'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_users_avatar_path"`);
    await queryRunner.query(`DROP TABLE "avatars"`);
  }
}
