import type { MigrationInterface, QueryRunner } from 'typeorm';
import { CHECKPOINT_SCHEMA, setUpCheckpointSchema } from './checkpoint-schema';

/**
 * The assistant's runs (generated from the AgentRun entity, then the trigger and the checkpointer
 * schema added by hand). A run is queued for every user message by a trigger, inside the statement
 * that inserts the message: the message and its run commit or roll back together, and the sessions
 * code that writes messages needs to know nothing of runs. The trigger also publishes `run.queued`
 * on the assistant's NOTIFY channel (agent_events), delivered on commit like every domain event.
 */

export class CreateAgentRuns1796114989974 implements MigrationInterface {
  name = 'CreateAgentRuns1796114989974';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TYPE "public"."agent_run_status" AS ENUM('queued', 'running', 'completed', 'failed', 'cancelled')`,
    );
    await queryRunner.query(
      `CREATE TABLE "agent_runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "owner_id" uuid NOT NULL, "user_message_id" uuid NOT NULL, "user_seq" bigint NOT NULL, "status" "public"."agent_run_status" NOT NULL DEFAULT 'queued', "attempt" integer NOT NULL DEFAULT '0', "lease_owner" text, "lease_expires_at" TIMESTAMP(3) WITH TIME ZONE, "cancel_requested" boolean NOT NULL DEFAULT false, "partial_text" text NOT NULL DEFAULT '', "assistant_message_id" uuid, "error_code" text, "error_retryable" boolean, "input_tokens" integer, "output_tokens" integer, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP(3) WITH TIME ZONE, "first_token_at" TIMESTAMP(3) WITH TIME ZONE, "finished_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "REL_db2cfd7281dbe92a5d1c874fc0" UNIQUE ("user_message_id"), CONSTRAINT "REL_935fa591f00b79f9eae3e2f350" UNIQUE ("assistant_message_id"), CONSTRAINT "PK_agent_runs" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_agent_runs_queued" ON "agent_runs"  ("user_seq") WHERE "status" = 'queued'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_agent_runs_running_session" ON "agent_runs"  ("session_id") WHERE "status" = 'running'`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_agent_runs_session_created" ON "agent_runs"  ("session_id", "created_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "agent_runs" ADD CONSTRAINT "FK_agent_runs_session" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "agent_runs" ADD CONSTRAINT "FK_agent_runs_user_message" FOREIGN KEY ("user_message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "agent_runs" ADD CONSTRAINT "FK_agent_runs_assistant_message" FOREIGN KEY ("assistant_message_id") REFERENCES "messages"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    // What a user message does while a reply is streaming in its session, per connection
    // (AGENT_MULTITASK, set through the pool's options): enqueue (answered next, in order),
    // reject (the insert fails with RN409, a 409), or interrupt (the reply streaming and those
    // waiting are stopped, this one is answered). Each query in a plpgsql function sees what
    // committed before it, and the session row is locked by the message insert, so two
    // messages of one session are decided one after the other.
    await queryRunner.query(`CREATE FUNCTION "agent_queue_run"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        queued agent_runs%ROWTYPE;
        notified integer;
        mode text := coalesce(nullif(current_setting('renovation.agent_multitask', true), ''), 'enqueue');
      BEGIN
        IF mode = 'reject' AND EXISTS (SELECT 1 FROM agent_runs
            WHERE session_id = NEW.session_id AND status IN ('queued', 'running')) THEN
          RAISE EXCEPTION 'the assistant is still answering in session %', NEW.session_id
            USING ERRCODE = 'RN409';
        END IF;
        IF mode = 'interrupt' THEN
          WITH stopped AS (
            UPDATE agent_runs SET cancel_requested = true
            WHERE session_id = NEW.session_id AND status = 'running' RETURNING *
          ) SELECT count(pg_notify('agent_events', json_build_object('type', 'run.cancel_requested',
              'sessionId', session_id, 'ownerId', owner_id, 'runId', id, 'attempt', attempt)::text))
            INTO notified FROM stopped;
          WITH dropped AS (
            UPDATE agent_runs SET status = 'cancelled', cancel_requested = true, finished_at = now()
            WHERE session_id = NEW.session_id AND status = 'queued' RETURNING *
          ) SELECT count(pg_notify('agent_events', json_build_object('type', 'run.cancelled',
              'sessionId', session_id, 'ownerId', owner_id, 'runId', id, 'attempt', attempt,
              'messageId', NULL)::text))
            INTO notified FROM dropped;
        END IF;
        INSERT INTO agent_runs (session_id, owner_id, user_message_id, user_seq)
          SELECT NEW.session_id, s.owner_id, NEW.id, NEW.seq FROM sessions s WHERE s.id = NEW.session_id
          RETURNING * INTO queued;
        PERFORM pg_notify('agent_events', json_build_object(
          'type', 'run.queued', 'sessionId', queued.session_id, 'ownerId', queued.owner_id,
          'runId', queued.id, 'attempt', queued.attempt)::text);
        RETURN NULL;
      END
    $$`);
    await queryRunner.query(
      `CREATE TRIGGER "TRG_messages_queue_agent_run" AFTER INSERT ON "messages" FOR EACH ROW WHEN (NEW.role = 'user') EXECUTE FUNCTION "agent_queue_run"()`,
    );
    await setUpCheckpointSchema(queryRunner);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SCHEMA "${CHECKPOINT_SCHEMA}" CASCADE`);
    await queryRunner.query(`DROP TRIGGER "TRG_messages_queue_agent_run" ON "messages"`);
    await queryRunner.query(`DROP FUNCTION "agent_queue_run"()`);
    await queryRunner.query(
      `ALTER TABLE "agent_runs" DROP CONSTRAINT "FK_agent_runs_assistant_message"`,
    );
    await queryRunner.query(
      `ALTER TABLE "agent_runs" DROP CONSTRAINT "FK_agent_runs_user_message"`,
    );
    await queryRunner.query(`ALTER TABLE "agent_runs" DROP CONSTRAINT "FK_agent_runs_session"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_agent_runs_session_created"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_agent_runs_running_session"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_agent_runs_queued"`);
    await queryRunner.query(`DROP TABLE "agent_runs"`);
    await queryRunner.query(`DROP TYPE "public"."agent_run_status"`);
  }
}
