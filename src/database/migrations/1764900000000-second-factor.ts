import { MigrationInterface, QueryRunner } from 'typeorm';

/** Second factors: TOTP (secret sealed), recovery codes (keyed hashes), the logins waiting for a code, a session's `amr`. */
export class SecondFactor1764900000000 implements MigrationInterface {
  name = 'SecondFactor1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "mfa_challenges" ("token_hash" character varying(64) NOT NULL, "user_id" integer NOT NULL, "failures" smallint NOT NULL DEFAULT '0', "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_cf5f2cdf8d418c02661b06a9312" PRIMARY KEY ("token_hash"))`);
    await queryRunner.query(`CREATE INDEX "IDX_1715663f6483821e6af6132b35" ON "mfa_challenges"  ("user_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_18f2c35ba2fd17905cf2c12822" ON "mfa_challenges"  ("expires_at") `);
    await queryRunner.query(`CREATE TABLE "recovery_codes" ("id" integer GENERATED ALWAYS AS IDENTITY NOT NULL, "user_id" integer NOT NULL, "code_hash" character varying(64) NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0723b9e53961e799027d7f7ba32" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_recovery_codes_user_code" ON "recovery_codes"  ("user_id", "code_hash") `);
    await queryRunner.query(`CREATE TABLE "totp_factors" ("user_id" integer NOT NULL, "secret" character varying(128) NOT NULL, "last_used_step" bigint, "confirmed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_eded11141800ddff9dfbd017fd2" PRIMARY KEY ("user_id"))`);
    await queryRunner.query(`ALTER TABLE "users" ADD "mfa_totp" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "users" ADD "mfa_passkeys" smallint NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD "amr" character varying(64) NOT NULL DEFAULT 'pwd'`);
    await queryRunner.query(`ALTER TABLE "mfa_challenges" ADD CONSTRAINT "FK_1715663f6483821e6af6132b35b" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "recovery_codes" ADD CONSTRAINT "FK_fb82b2ac740ca095b617afad031" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "totp_factors" ADD CONSTRAINT "FK_eded11141800ddff9dfbd017fd2" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "totp_factors" DROP CONSTRAINT "FK_eded11141800ddff9dfbd017fd2"`);
    await queryRunner.query(`ALTER TABLE "recovery_codes" DROP CONSTRAINT "FK_fb82b2ac740ca095b617afad031"`);
    await queryRunner.query(`ALTER TABLE "mfa_challenges" DROP CONSTRAINT "FK_1715663f6483821e6af6132b35b"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "amr"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "mfa_passkeys"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "mfa_totp"`);
    await queryRunner.query(`DROP TABLE "totp_factors"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_recovery_codes_user_code"`);
    await queryRunner.query(`DROP TABLE "recovery_codes"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_18f2c35ba2fd17905cf2c12822"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_1715663f6483821e6af6132b35"`);
    await queryRunner.query(`DROP TABLE "mfa_challenges"`);
  }
}
