import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin list at a million accounts (bench/README.md, "A million accounts"): a trigram index
 * for `q`, and one index a sort (and one for the role filter) so that a page, by `page` or by
 * `cursor`, reads about `limit` rows whatever the table's size.
 *
 * Each CREATE INDEX holds writes to `users` while it builds: about 9 s for the trigram index
 * and 1 to 2 s for each other one at a million rows. On a table that large, create them
 * beforehand with CREATE INDEX CONCURRENTLY under these names and this migration skips them.
 */
export class UserSearchIndexes1764300000000 implements MigrationInterface {
  name = 'UserSearchIndexes1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A trusted extension (PostgreSQL 13+): the database's owner may create it. PGlite loads
    // it from @electric-sql/pglite/contrib/pg_trgm (src/database/pglite-snapshot.ts).
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    // One index over the searched columns joined by line breaks, which none of them can hold
    // (see USER_SEARCH_TEXT). Not partial: PostgreSQL keeps statistics of a non-partial
    // index's expression only, and without them it guesses 100 rows for any term, and then
    // counts a term that matches every row through the index instead of stopping early.
    // A pending list of 64 kB, not 4 MB: every search reads the whole list, and 4,000 profile
    // updates made it 443 pages, which turned a 10k-row search into a sequential scan (0.2 ms
    // → 13 ms); a write costs about 70 µs more for it (bench/README.md).
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "IDX_users_search" ON "users" USING gin ((${USER_SEARCH_TEXT}) gin_trgm_ops)
        WITH (gin_pending_list_limit = 64)`,
    );
    for (const [name, columns] of SORT_INDEXES) {
      await queryRunner.query(
        `CREATE INDEX IF NOT EXISTS "${name}" ON "users" (${columns}) WHERE "deleted_at" IS NULL`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [name] of SORT_INDEXES) await queryRunner.query(`DROP INDEX IF EXISTS "public"."${name}"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "public"."IDX_users_search"`);
    // The extension stays: other objects may use it by now, and it costs nothing unused.
  }
}

/**
 * The text `q` is looked for in, exactly as UsersRepository.list writes it, so that the
 * planner matches the index's expression. Frozen here: a migration must not change with the code.
 */
const USER_SEARCH_TEXT = `email || E'\\n' || username || E'\\n' || name || E'\\n' || coalesce(firstname, '') || E'\\n' || coalesce(lastname, '')`;

/** Live rows in each sort's order, `id` breaking ties (`id` itself is the primary key's). */
const SORT_INDEXES = [
  ['IDX_users_live_email', `"email", "id"`],
  ['IDX_users_live_username', `"username", "id"`],
  ['IDX_users_live_name', `"name", "id"`],
  ['IDX_users_live_created_at', `"created_at", "id"`],
  ['IDX_users_live_updated_at', `"updated_at", "id"`],
  ['IDX_users_live_role', `"role", "id"`],
] as const;
