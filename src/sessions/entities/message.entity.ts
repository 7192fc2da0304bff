import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { MessageRole } from '../message-role';
import { RenovationSession } from './renovation-session.entity';

/**
 * One message of a session's conversation. `seq` is a database-wide identity: increasing, unique,
 * the order of a conversation and the cursor a reconnecting client resumes from.
 */
@Entity({ name: 'messages' })
@Check('CHK_messages_content', `char_length("content") BETWEEN 1 AND 10000`)
// Resume and list: WHERE session_id = $1 AND seq > $2 ORDER BY seq.
@Index('IDX_messages_session_seq', ['sessionId', 'seq'])
export class Message {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_messages' })
  id!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => RenovationSession, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_messages_session' })
  session?: RenovationSession;

  @Index('UQ_messages_seq', { unique: true })
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq!: string;

  @Column({ type: 'enum', enum: MessageRole, enumName: 'message_role' })
  role!: MessageRole;

  @Column({ type: 'text' })
  content!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
