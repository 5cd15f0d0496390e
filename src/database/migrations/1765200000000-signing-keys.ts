import { MigrationInterface, QueryRunner } from 'typeorm';

/** The keys that sign access tokens when JWT_PRIVATE_KEYS gives none: made once, shared by every instance, rotated. */
export class SigningKeys1765200000000 implements MigrationInterface {
  name = 'SigningKeys1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "signing_keys" ("kid" character varying(64) NOT NULL, "algorithm" character varying(8) NOT NULL, "public_jwk" jsonb NOT NULL, "private_key" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "signs_from" TIMESTAMP WITH TIME ZONE NOT NULL, "retires_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_13362ac3e792c69417e1a53d355" PRIMARY KEY ("kid"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "signing_keys"`);
  }
}
