import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions and their messages (generated with `npm run migration:generate` from the entities, then
 * kept as is so `migration:generate --check` finds nothing to do). Indexes serve the list routes:
 * (owner_id, created_at, id) and (owner_id, phase, created_at, id) are scanned backwards for the
 * newest-first keyset pages; (session_id, seq) serves a conversation read and resume. `seq` is a
 * bigint identity: database-wide, increasing, unique.
 */

export class CreateSessionsAndMessages1795323103653 implements MigrationInterface {
  name = 'CreateSessionsAndMessages1795323103653';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TYPE "public"."session_phase" AS ENUM('INTAKE', 'CHECKLIST', 'PLAN', 'RENDER', 'PAYMENT', 'COMPLETE', 'ITERATE')`,
    );
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "title" character varying(200) NOT NULL, "phase" "public"."session_phase" NOT NULL DEFAULT 'INTAKE', "total_budget" numeric(14,2), "currency" character(3) NOT NULL DEFAULT 'USD', "owner_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "CHK_sessions_total_budget" CHECK ("total_budget" >= 0), CONSTRAINT "CHK_sessions_title" CHECK (char_length("title") >= 1), CONSTRAINT "PK_sessions" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_sessions_owner_phase_created" ON "sessions"  ("owner_id", "phase", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_sessions_owner_created" ON "sessions"  ("owner_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TYPE "public"."message_role" AS ENUM('user', 'assistant', 'system')`,
    );
    await queryRunner.query(
      `CREATE TABLE "messages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "seq" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "role" "public"."message_role" NOT NULL, "content" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_messages_content" CHECK (char_length("content") BETWEEN 1 AND 10000), CONSTRAINT "PK_messages" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_messages_seq" ON "messages"  ("seq") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_messages_session_seq" ON "messages"  ("session_id", "seq") `,
    );
    await queryRunner.query(
      `ALTER TABLE "messages" ADD CONSTRAINT "FK_messages_session" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "messages" DROP CONSTRAINT "FK_messages_session"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_messages_session_seq"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_messages_seq"`);
    await queryRunner.query(`DROP TABLE "messages"`);
    await queryRunner.query(`DROP TYPE "public"."message_role"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_sessions_owner_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_sessions_owner_phase_created"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`DROP TYPE "public"."session_phase"`);
  }
}
