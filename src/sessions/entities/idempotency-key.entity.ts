import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The first answer to a create request that carried an Idempotency-Key, replayed to every retry
 * with the same key until `expires_at`. The primary key (owner, key) is what keeps two replicas
 * from both acting on one key; the row is inserted by the same statement as the write it answers
 * (see ../sql/idempotency-key.sql.ts), so the two commit or roll back together.
 */
@Entity({ name: 'idempotency_keys' })
// The sweep of expired keys reads the oldest first.
@Index('IDX_idempotency_keys_expires', ['expiresAt'])
export class IdempotencyKey {
  @PrimaryColumn({
    name: 'owner_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_idempotency_keys',
  })
  ownerId!: string;

  @PrimaryColumn({ type: 'varchar', length: 255, primaryKeyConstraintName: 'PK_idempotency_keys' })
  key!: string;

  /** SHA-256 (hex) of the operation and its canonical body: another body under the key is a 422. */
  @Column({ type: 'char', length: 64 })
  fingerprint!: string;

  /** The written row as RETURNING gave it (to_jsonb), read back with jsonb_populate_record. */
  @Column({ type: 'jsonb' })
  response!: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt!: Date;
}
