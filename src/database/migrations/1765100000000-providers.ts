import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sign-in with other providers: linked identities, flows waiting for a provider's return, one-time codes; which provider a waiting second factor follows. */
export class Providers1765100000000 implements MigrationInterface {
  name = 'Providers1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "identities" ("id" uuid NOT NULL, "user_id" integer NOT NULL, "provider" character varying(32) NOT NULL, "subject" character varying(255) NOT NULL, "email" character varying(320), "email_verified" boolean NOT NULL DEFAULT false, "linked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_7b2f8cccf4ac6a2d7e6e9e8b1f6" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_identities_user_provider" ON "identities"  ("user_id", "provider") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_identities_provider_subject" ON "identities"  ("provider", "subject") `);
    await queryRunner.query(`CREATE TABLE "oauth_codes" ("code_hash" character varying(64) NOT NULL, "provider" character varying(32) NOT NULL, "user_id" integer, "profile" jsonb NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_eab165c4ccc44db5a24eabbb7b5" PRIMARY KEY ("code_hash"))`);
    await queryRunner.query(`CREATE INDEX "IDX_ca7625e883239ccf8de6af5a78" ON "oauth_codes"  ("expires_at") `);
    await queryRunner.query(`CREATE TABLE "oauth_flows" ("state_hash" character varying(64) NOT NULL, "provider" character varying(32) NOT NULL, "browser_hash" character varying(64), "user_id" integer, "checks" jsonb NOT NULL, "return_url" character varying(2048) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_583f4959239e16a3e68421c5e76" PRIMARY KEY ("state_hash"))`);
    await queryRunner.query(`CREATE INDEX "IDX_ef6e06e079f205d19e7a734714" ON "oauth_flows"  ("expires_at") `);
    await queryRunner.query(`ALTER TABLE "mfa_challenges" ADD "provider" character varying(32)`);
    await queryRunner.query(`ALTER TABLE "identities" ADD CONSTRAINT "FK_88e77c008cfcfa6a87027a99bde" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "oauth_codes" ADD CONSTRAINT "FK_d0ce2fa7498d76130e2df00d521" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "oauth_flows" ADD CONSTRAINT "FK_5a5cc0f085d74e52102d7bb59b6" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "oauth_flows" DROP CONSTRAINT "FK_5a5cc0f085d74e52102d7bb59b6"`);
    await queryRunner.query(`ALTER TABLE "oauth_codes" DROP CONSTRAINT "FK_d0ce2fa7498d76130e2df00d521"`);
    await queryRunner.query(`ALTER TABLE "identities" DROP CONSTRAINT "FK_88e77c008cfcfa6a87027a99bde"`);
    await queryRunner.query(`ALTER TABLE "mfa_challenges" DROP COLUMN "provider"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_ef6e06e079f205d19e7a734714"`);
    await queryRunner.query(`DROP TABLE "oauth_flows"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_ca7625e883239ccf8de6af5a78"`);
    await queryRunner.query(`DROP TABLE "oauth_codes"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_identities_provider_subject"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_identities_user_provider"`);
    await queryRunner.query(`DROP TABLE "identities"`);
  }
}
