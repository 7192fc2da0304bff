import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Message, RenovationSession } from '../../sessions';
import { RunStatus } from './run-status';

/**
 * One run of the assistant: it answers one user message with one assistant message. A row is
 * queued for every user message by a trigger on `messages` (in the same statement as the message
 * itself, see the CreateAgentRuns migration), claimed by any replica, and finished exactly once:
 * `assistant_message_id` is unique and only the completing statement sets it.
 */
@Entity({ name: 'agent_runs' })
// The runs of a session, newest first (GET /api/sessions/:id/runs).
@Index('IDX_agent_runs_session_created', ['sessionId', 'createdAt'])
// One running run per session, whichever replica claims it.
@Index('UQ_agent_runs_running_session', ['sessionId'], {
  unique: true,
  where: `"status" = 'running'`,
})
// The queue: the oldest queued user message first.
@Index('IDX_agent_runs_queued', ['userSeq'], { where: `"status" = 'queued'` })
export class AgentRun {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_agent_runs' })
  id!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => RenovationSession, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_agent_runs_session' })
  session?: RenovationSession;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @Column({ name: 'user_message_id', type: 'uuid' })
  userMessageId!: string;

  @OneToOne(() => Message, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({
    name: 'user_message_id',
    foreignKeyConstraintName: 'FK_agent_runs_user_message',
  })
  userMessage?: Message;

  /** The user message's seq: runs of a session are answered in this order. */
  @Column({ name: 'user_seq', type: 'bigint' })
  userSeq!: string;

  @Column({
    type: 'enum',
    enum: RunStatus,
    enumName: 'agent_run_status',
    default: RunStatus.QUEUED,
  })
  status!: RunStatus;

  /** How many times the run was claimed. */
  @Column({ type: 'integer', default: 0 })
  attempt!: number;

  /** The replica running it, until when its claim holds. */
  @Column({ name: 'lease_owner', type: 'text', nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_expires_at', type: 'timestamptz', precision: 3, nullable: true })
  leaseExpiresAt!: Date | null;

  @Column({ name: 'cancel_requested', type: 'boolean', default: false })
  cancelRequested!: boolean;

  /** The reply so far, as streamed to clients (a client joining mid-reply starts from it). */
  @Column({ name: 'partial_text', type: 'text', default: '' })
  partialText!: string;

  @Column({ name: 'assistant_message_id', type: 'uuid', nullable: true })
  assistantMessageId!: string | null;

  @OneToOne(() => Message, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({
    name: 'assistant_message_id',
    foreignKeyConstraintName: 'FK_agent_runs_assistant_message',
  })
  assistantMessage?: Message | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_retryable', type: 'boolean', nullable: true })
  errorRetryable!: boolean | null;

  @Column({ name: 'input_tokens', type: 'integer', nullable: true })
  inputTokens!: number | null;

  @Column({ name: 'output_tokens', type: 'integer', nullable: true })
  outputTokens!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', precision: 3, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'first_token_at', type: 'timestamptz', precision: 3, nullable: true })
  firstTokenAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', precision: 3, nullable: true })
  finishedAt!: Date | null;
}
