import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency-Key answers (generated from the IdempotencyKey entity, then the claim function added
 * by hand). A create request carrying a key calls idempotency_key_claim first, inside the one
 * statement that also writes the row and stores the key (src/sessions/sql/idempotency-key.sql.ts):
 *
 * - a transaction-scoped advisory lock on (owner, key), tried without waiting: another request
 *   holding it is still in progress with that key, and this one fails with RI409 (a 409);
 * - this key's expired answer is deleted, and a few other expired ones with it (oldest first,
 *   skipping rows another claim holds), so the table stays bounded with no timer;
 * - it returns whether the key is free: false means an answer is stored, and the statement writes
 *   nothing (the service then replays that answer or refuses another body with a 422).
 *
 * The lock is released at commit, once the key's row is visible to the next claim.
 */

export class CreateIdempotencyKeys1796393861725 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1796393861725';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "idempotency_keys" ("owner_id" uuid NOT NULL, "key" character varying(255) NOT NULL, "fingerprint" character(64) NOT NULL, "response" jsonb NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "PK_idempotency_keys" PRIMARY KEY ("owner_id", "key"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_idempotency_keys_expires" ON "idempotency_keys"  ("expires_at") `,
    );
    await queryRunner.query(`CREATE FUNCTION "idempotency_key_claim"(p_owner uuid, p_key text)
      RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF NOT pg_try_advisory_xact_lock(hashtextextended(p_owner::text || '/' || p_key, 0)) THEN
          RAISE EXCEPTION 'a request with this idempotency key is still in progress'
            USING ERRCODE = 'RI409';
        END IF;
        DELETE FROM idempotency_keys
          WHERE owner_id = p_owner AND key = p_key AND expires_at <= now();
        DELETE FROM idempotency_keys WHERE (owner_id, key) IN (
          SELECT owner_id, key FROM idempotency_keys WHERE expires_at <= now()
          ORDER BY expires_at LIMIT 16 FOR UPDATE SKIP LOCKED);
        RETURN NOT EXISTS (SELECT 1 FROM idempotency_keys WHERE owner_id = p_owner AND key = p_key);
      END
    $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION "idempotency_key_claim"(uuid, text)`);
    await queryRunner.query(`DROP INDEX "public"."IDX_idempotency_keys_expires"`);
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}
