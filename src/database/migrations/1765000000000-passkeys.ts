import { MigrationInterface, QueryRunner } from 'typeorm';

/** Passkeys (WebAuthn credentials, public keys only) and the challenges of their ceremonies. */
export class Passkeys1765000000000 implements MigrationInterface {
  name = 'Passkeys1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "passkeys" ("id" uuid NOT NULL, "user_id" integer NOT NULL, "credential_id" character varying(1400) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL DEFAULT '0', "transports" character varying(128), "name" character varying(64) NOT NULL, "backed_up" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_db928e6fd79e7098911268a74c3" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_02227b9a8a34a808e3e23800b0" ON "passkeys"  ("user_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_passkeys_credential_id" ON "passkeys"  ("credential_id") `);
    await queryRunner.query(`CREATE TABLE "webauthn_challenges" ("challenge" character varying(64) NOT NULL, "purpose" character varying(16) NOT NULL, "user_id" integer, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_03a1fd625909713af1fa0b33f3e" PRIMARY KEY ("challenge"))`);
    await queryRunner.query(`CREATE INDEX "IDX_35f58a0850299bae870424d7f6" ON "webauthn_challenges"  ("expires_at") `);
    await queryRunner.query(`ALTER TABLE "passkeys" ADD CONSTRAINT "FK_02227b9a8a34a808e3e23800b00" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "webauthn_challenges" ADD CONSTRAINT "FK_0dcc679b1d27e0a3927a37798a9" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webauthn_challenges" DROP CONSTRAINT "FK_0dcc679b1d27e0a3927a37798a9"`);
    await queryRunner.query(`ALTER TABLE "passkeys" DROP CONSTRAINT "FK_02227b9a8a34a808e3e23800b00"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_35f58a0850299bae870424d7f6"`);
    await queryRunner.query(`DROP TABLE "webauthn_challenges"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_passkeys_credential_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_02227b9a8a34a808e3e23800b0"`);
    await queryRunner.query(`DROP TABLE "passkeys"`);
  }
}
