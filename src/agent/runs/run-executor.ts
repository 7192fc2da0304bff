import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { queryRows } from '../../database/query-rows';
import { MessageRole, MessagesService, type Principal, SessionsService } from '../../sessions';
import type { ConversationGraph, Turn } from '../graph/conversation-graph';
import { ConversationGraphLoader } from '../graph/conversation-graph-loader';
import type { ReplyYield } from '../graph/reply-yield';
import { ModelStatus } from '../model/model-status';
import type { ConversationMessage, TokenUsage } from '../providers/model-provider';
import { isProviderError } from '../providers/provider-error';
import {
  appendDeltaStatement,
  finishWithMessageStatement,
  finishWithoutMessageStatement,
  heartbeatStatement,
  requeueRunStatement,
  runByIdStatement,
  type RunRow,
} from '../sql/run.sql';
import { AgentRunMetrics } from './agent-run.metrics';
import { DeltaBuffer } from './delta-buffer';
import { RunStatus } from './run-status';

/** How often a streaming reply is written and published: about every 50 ms per run. */
const DELTA_INTERVAL_MS = 50;
/** Messages a thread without checkpoints is seeded with. */
const SEED_MESSAGES = 50;

/** Why a run stopped before its reply ended. */
export type StopReason = 'cancelled' | 'timeout' | 'shutdown';

export interface RunHandle {
  readonly run: RunRow;
  /** Stops the run at once: its request to the model is aborted. */
  stop(reason: StopReason): void;
  /**
   * Asks the run to stop cooperatively for the shutdown: the reply stops at its next slice, its
   * draft is checkpointed, its text flushed, and the run handed back (see ConversationGraph).
   */
  yieldForShutdown(): void;
  readonly done: Promise<void>;
}

/**
 * Executes one claimed run: the turn through the conversation graph, its slices coalesced into
 * `message.delta` writes, then exactly one ending, each fenced by the run's attempt — a completed
 * reply stored as the assistant message, a cancelled one keeping its text so far, a failure with
 * no message at all, or (at shutdown) the run handed back to the queue for another replica.
 */
@Injectable()
export class RunExecutor {
  private readonly logger = new Logger(RunExecutor.name);
  private readonly paymentsEnabled: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly messages: MessagesService,
    private readonly graphs: ConversationGraphLoader,
    private readonly metrics: AgentRunMetrics,
    private readonly modelStatus: ModelStatus,
    config: ConfigService<AppConfig, true>,
  ) {
    this.paymentsEnabled = config.getOrThrow('payments', { infer: true }).enabled;
  }

  /** Asked for only while running a run, so only on a replica with runs on (which loaded it). */
  private get graph(): ConversationGraph {
    return this.graphs.graph;
  }

  start(run: RunRow, runTimeoutMs: number, leaseMs: number): RunHandle {
    const controller = new AbortController();
    let reason: StopReason | undefined;
    const stop = (why: StopReason): void => {
      reason ??= why;
      controller.abort(new Error(`run ${why}`));
    };
    const replyYield = this.graph.createYield();
    const yieldForShutdown = (): void => {
      reason ??= 'shutdown';
      replyYield.request('shutdown');
    };
    const deadline = setTimeout(() => stop('timeout'), runTimeoutMs);
    // unref'd: the run itself (its request to the model) is what keeps the process busy.
    const heartbeat = setInterval(() => this.renewLease(run, leaseMs), leaseMs / 3).unref();
    const done = this.execute(run, controller.signal, replyYield, () => reason, leaseMs)
      .catch((error: unknown) =>
        this.logger.error({ err: error, runId: run.id }, `run ${run.id} could not be ended`),
      )
      .finally(() => {
        clearTimeout(deadline);
        clearInterval(heartbeat);
      });
    return { run, stop, yieldForShutdown, done };
  }

  private renewLease(run: RunRow, leaseMs: number): void {
    queryRows(this.dataSource.manager, heartbeatStatement(run.id, run.attempt, leaseMs)).then(
      (rows) => {
        if (rows.length === 0) {
          this.logger.warn(
            `run ${run.id} attempt ${run.attempt} was taken over by another claim: fenced off, it writes nothing more`,
          );
        }
      },
      (error: unknown) => this.logger.warn({ err: error }, `run ${run.id}: lease not renewed`),
    );
  }

  private async execute(
    run: RunRow,
    signal: AbortSignal,
    replyYield: ReplyYield,
    stopReason: () => StopReason | undefined,
    leaseMs: number,
  ): Promise<void> {
    const principal: Principal = { ownerId: run.owner_id };
    const startedAt = performance.now();
    let firstTokenAt: number | undefined;
    // What earlier attempts published and stored: this attempt continues the reply from there.
    const continueFrom = run.partial_text;
    const deltas = new DeltaBuffer(
      async (offset, text) => {
        await queryRows(
          this.dataSource.manager,
          appendDeltaStatement(run.id, run.attempt, offset, text, leaseMs),
        );
      },
      DELTA_INTERVAL_MS,
      undefined,
      continueFrom.length,
    );
    const onText = (text: string): void => {
      firstTokenAt ??= performance.now();
      deltas.append(text);
    };
    let usage: TokenUsage | undefined;
    try {
      const session = await this.sessions.findOne(principal, run.session_id);
      const userMessage = await this.messages.findBySeq(
        principal,
        run.session_id,
        Number(run.user_seq),
      );
      if (userMessage === null) {
        throw new Error(`user message ${run.user_message_id} is gone`);
      }
      const turn: Turn = {
        session: {
          phase: session.phase,
          title: session.title,
          totalBudget: session.totalBudget,
          currency: session.currency,
          paymentsEnabled: this.paymentsEnabled,
        },
        signal,
        onText,
        attempt: { runId: run.id, attempt: run.attempt },
        continueFrom,
        yield: replyYield,
      };
      await this.graph.answer(
        run.session_id,
        `${run.id}:${run.attempt}`,
        { role: 'user', content: userMessage.content },
        () => this.history(principal, run.session_id, userMessage.seq),
        turn,
      );
      usage = turn.result?.usage;
    } catch (error) {
      if (stopReason() === 'shutdown') {
        // Everything the model said goes out and is stored before the run is handed back: the
        // next attempt continues from the stored text, so none of it is lost or said twice.
        await deltas
          .flushAll()
          .catch((failure: unknown) =>
            this.logger.warn({ err: failure }, `run ${run.id}: last delta not written`),
          );
        await this.handBack(run, error, deltas.length);
        return;
      }
      const rest = await deltas.drain().catch(() => '');
      await this.stopped(run, error, stopReason(), rest);
      return;
    } finally {
      if (firstTokenAt !== undefined) {
        this.metrics.firstToken((firstTokenAt - startedAt) / 1000);
      }
    }
    if (deltas.length === 0) {
      await deltas.drain();
      await this.fail(run, 'empty_reply', true);
      return;
    }
    // The tail goes out as a delta too, so a client's streamed text is the whole reply (as the
    // stored message is) whichever attempts it was streamed by.
    await deltas.flushAll();
    await this.finishWithMessage(run, RunStatus.COMPLETED, '', usage);
    this.metrics.finished('completed', (performance.now() - startedAt) / 1000, usage);
  }

  /** The conversation so far, the user message last, for a thread that has no checkpoint yet. */
  private async history(
    principal: Principal,
    sessionId: string,
    upToSeq: number,
  ): Promise<ConversationMessage[]> {
    const latest = await this.messages.latest(principal, sessionId, SEED_MESSAGES);
    return latest
      .filter((message) => message.seq <= upToSeq && message.role !== MessageRole.SYSTEM)
      .map((message) => ({
        role: message.role === MessageRole.USER ? 'user' : 'assistant',
        content: message.content,
      }));
  }

  private async stopped(
    run: RunRow,
    error: unknown,
    reason: StopReason | undefined,
    rest: string,
  ): Promise<void> {
    switch (reason) {
      case 'shutdown':
        throw new Error('a run stopped for the shutdown is handed back, not ended');
      case 'cancelled':
        await this.cancel(run, rest);
        return;
      case 'timeout':
        await this.fail(run, 'timeout', true);
        return;
      case undefined:
        break;
    }
    if (isFencedOff(error)) {
      this.logger.warn(`${error.message}: fenced off, nothing more is written for it`);
      return;
    }
    if (isProviderError(error)) {
      this.logger.warn(
        { runId: run.id, code: error.code },
        `run ${run.id} failed: ${error.message}`,
      );
      this.metrics.providerError(error.code);
      this.modelStatus.recordError(error);
      await this.fail(run, error.code, error.retryable);
      return;
    }
    this.logger.error({ err: error, runId: run.id }, `run ${run.id} failed`);
    await this.fail(run, 'internal', false);
  }

  /** The run goes back to the queue; the next attempt continues its reply from `length`. */
  private async handBack(run: RunRow, error: unknown, length: number): Promise<void> {
    const how = this.graph.isDrained(error) ? 'yielded' : 'aborted';
    const rows = await queryRows(this.dataSource.manager, requeueRunStatement(run.id, run.attempt));
    if (rows.length === 0) {
      this.logger.warn(
        `run ${run.id} attempt ${run.attempt} is no longer running: not handed back`,
      );
      return;
    }
    this.logger.log(
      `run ${run.id} (attempt ${run.attempt}) handed back to the queue: ${how} at ${length} chars`,
    );
    this.metrics.finished('requeued');
  }

  private async cancel(run: RunRow, rest: string): Promise<void> {
    const [row] = await queryRows(
      this.dataSource.manager,
      runByIdStatement(run.owner_id, run.session_id, run.id),
    );
    const sofar = (row?.partial_text ?? '') + rest;
    if (sofar === '') {
      await queryRows(
        this.dataSource.manager,
        finishWithoutMessageStatement(run.id, run.attempt, { status: RunStatus.CANCELLED }),
      );
    } else {
      await this.finishWithMessage(run, RunStatus.CANCELLED, rest, undefined);
      await this.graph
        .recordPartialReply(run.session_id, sofar)
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, `run ${run.id}: partial reply not checkpointed`),
        );
    }
    this.metrics.finished('cancelled');
  }

  private async finishWithMessage(
    run: RunRow,
    status: RunStatus.COMPLETED | RunStatus.CANCELLED,
    rest: string,
    usage: TokenUsage | undefined,
  ): Promise<void> {
    const rows = await queryRows(
      this.dataSource.manager,
      finishWithMessageStatement(run.id, run.attempt, status, randomUUID(), rest, {
        inputTokens: usage?.inputTokens ?? null,
        outputTokens: usage?.outputTokens ?? null,
      }),
    );
    if (rows.length === 0) {
      this.logger.warn(`run ${run.id} attempt ${run.attempt} is no longer running: nothing stored`);
    }
  }

  private async fail(run: RunRow, code: string, retryable: boolean): Promise<void> {
    await queryRows(
      this.dataSource.manager,
      finishWithoutMessageStatement(run.id, run.attempt, {
        status: RunStatus.FAILED,
        code,
        retryable,
      }),
    );
    this.metrics.finished('failed');
  }
}

/** A FencedOffError from the checkpointer; LangGraph may rethrow it from another realm of its own: known by its name. */
function isFencedOff(error: unknown): error is Error {
  return error instanceof Error && error.name === 'FencedOffError';
}
