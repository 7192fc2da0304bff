import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { SessionPhase } from '../session-phase';

/**
 * A renovation session. The schema is owned by the migrations; this entity describes it so that
 * `migration:generate --check` proves the two agree. Reads and writes go through the explicit SQL
 * of ../sql/session.sql.ts: one statement per request, conditional updates.
 *
 * Timestamps have millisecond precision (timestamptz(3)) so a JS Date round-trips exactly: the
 * list cursor carries created_at, and a microsecond lost in the cursor would skip or repeat rows.
 */
@Entity({ name: 'sessions' })
// The API validates these first; the checks keep any other writer honest.
@Check('CHK_sessions_title', `char_length("title") >= 1`)
@Check('CHK_sessions_total_budget', `"total_budget" >= 0`)
// Keyset list: WHERE owner_id = $1 ORDER BY created_at DESC, id DESC (scanned backwards).
@Index('IDX_sessions_owner_created', ['ownerId', 'createdAt', 'id'])
// The same list filtered by phase.
@Index('IDX_sessions_owner_phase_created', ['ownerId', 'phase', 'createdAt', 'id'])
export class RenovationSession {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_sessions' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({
    type: 'enum',
    enum: SessionPhase,
    enumName: 'session_phase',
    default: SessionPhase.INTAKE,
  })
  phase!: SessionPhase;

  /** Exact decimal; the pg driver hands numeric back as a string and we keep it one. */
  @Column({ name: 'total_budget', type: 'numeric', precision: 14, scale: 2, nullable: true })
  totalBudget!: string | null;

  @Column({ type: 'char', length: 3, default: 'USD' })
  currency!: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}
