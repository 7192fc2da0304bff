import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource, QueryFailedError } from 'typeorm';
import { settlesWithin } from '../../common/async/with-timeout';
import type { AppConfig } from '../../config/app-config';
import { queryRows } from '../../database/query-rows';
import { LifecycleState } from '../../lifecycle/lifecycle-state';
import { ShutdownStage, ShutdownSteps } from '../../lifecycle/shutdown-steps';
import { AgentEvents } from '../events/agent-events';
import { ConversationGraphLoader } from '../graph/conversation-graph-loader';
import { claimNextRunStatement, sweepExpiredStatement } from '../sql/run.sql';
import { RunExecutor, type RunHandle } from './run-executor';
import { RunStatus } from './run-status';
import { RunsService } from './runs.service';

/** A safety net under NOTIFY: a replica also looks for queued runs this often. */
const POLL_INTERVAL_MS = 2000;

/**
 * Claims queued runs on this replica, up to AGENT_CONCURRENCY at a time, when a run is queued or
 * ends anywhere (NOTIFY) and on a slow poll, and stops claiming once the instance drains. At
 * shutdown, replies still streaming after a short grace (AGENT_DRAIN_MS) are asked to yield —
 * stopped at their next slice, their draft checkpointed and their text stored — and handed back
 * to the queue, so another replica continues them; one that does not yield within half a step is
 * aborted and handed back all the same. Then the checkpoint writes in flight are waited for —
 * all before the database closes.
 */
@Injectable()
export class RunWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(RunWorker.name);
  private readonly config: AppConfig['agent'];
  private readonly stepTimeoutMs: number;
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly running = new Map<string, RunHandle>();
  private claiming: Promise<void> | undefined;
  private counted: { queued: number; running: number; at: string } | undefined;
  private poller: NodeJS.Timeout | undefined;

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly dataSource: DataSource,
    private readonly events: AgentEvents,
    private readonly executor: RunExecutor,
    private readonly graphs: ConversationGraphLoader,
    private readonly runs: RunsService,
    private readonly state: LifecycleState,
    steps: ShutdownSteps,
  ) {
    this.config = config.getOrThrow('agent', { infer: true });
    this.stepTimeoutMs = config.getOrThrow('shutdown', { infer: true }).stepTimeoutMs;
    if (!this.config.runsEnabled) {
      return;
    }
    steps.register({
      name: 'hand back assistant runs',
      stage: ShutdownStage.FLUSH_WRITES,
      // AGENT_DRAIN_MS to finish, then one step's time to stop and hand back what is left: its
      // own bound, which the boot-time budget check adds up with the other steps.
      timeoutMs: this.config.drainMs + this.stepTimeoutMs,
      run: () => this.handBack(),
    });
    steps.register({
      name: 'flush conversation checkpoints',
      stage: ShutdownStage.FLUSH_WRITES,
      run: () => this.graphs.flushCheckpoints(),
    });
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Runs queued and running on every replica, as counted on the last poll (no I/O to read it). */
  get lastCounts(): { queued: number; running: number; at: string } | undefined {
    return this.counted;
  }

  onApplicationBootstrap(): void {
    if (!this.config.runsEnabled) {
      this.logger.log('assistant runs are off on this instance (AGENT_RUNS_ENABLED=false)');
      return;
    }
    this.events.events$.subscribe((event) => {
      if (event.type === 'run.cancel_requested') {
        this.running.get(event.runId)?.stop('cancelled');
      } else if (event.type !== 'message.delta' && event.type !== 'run.started') {
        // A run was queued, or one ended and its session may have the next one waiting.
        this.claimWhileFree();
      }
    });
    // unref'd: a poll never keeps the process alive.
    this.poller = setInterval(() => {
      void this.sweep();
      this.claimWhileFree();
      void this.count();
    }, POLL_INTERVAL_MS).unref();
    void this.count();
    this.claimWhileFree();
  }

  /** Claims runs until none is queued or this replica is full; one claim loop at a time. */
  private claimWhileFree(): void {
    this.claiming ??= this.claimLoop().finally(() => (this.claiming = undefined));
  }

  private async claimLoop(): Promise<void> {
    while (!this.state.isShuttingDown && this.running.size < this.config.concurrency) {
      const run = await this.claim();
      if (run === undefined) {
        return;
      }
      const handle = this.executor.start(run, this.config.runTimeoutMs, this.config.leaseMs);
      this.running.set(run.id, handle);
      void handle.done.finally(() => {
        this.running.delete(run.id);
        this.claimWhileFree();
      });
    }
  }

  private async claim() {
    try {
      const [run] = await queryRows(
        this.dataSource.manager,
        claimNextRunStatement(this.owner, this.config.leaseMs),
      );
      return run;
    } catch (error) {
      // Another replica claimed this session's next run in the same instant: try again later.
      if (
        error instanceof QueryFailedError &&
        (error.driverError as { code?: string }).code === '23505'
      ) {
        return undefined;
      }
      this.logger.warn({ err: error }, 'claiming a run failed; retrying on the next poll');
      return undefined;
    }
  }

  /** Any replica re-queues the runs whose replica stopped renewing their lease. */
  private async sweep(): Promise<void> {
    try {
      const swept = await queryRows(
        this.dataSource.manager,
        sweepExpiredStatement(this.config.maxAttempts),
      );
      swept.forEach((run) =>
        this.logger.warn(
          `run ${run.id}: lease of attempt ${run.attempt} expired; ${run.status === RunStatus.FAILED ? 'failed after its last attempt' : 'queued again'}`,
        ),
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'sweeping expired runs failed; retrying on the next poll');
    }
  }

  private async count(): Promise<void> {
    try {
      this.counted = { ...(await this.runs.counts()), at: new Date().toISOString() };
    } catch {
      // Kept as last counted: /health/status shows when that was.
    }
  }

  private async handBack(): Promise<void> {
    clearInterval(this.poller);
    const handles = [...this.running.values()];
    if (handles.length === 0) {
      return;
    }
    const allDone = Promise.all(handles.map((handle) => handle.done));
    if (await settlesWithin(allDone, this.config.drainMs)) {
      return;
    }
    // Half of the step's own time for the replies to yield at their next slice (the draft
    // checkpointed, the text flushed, the run handed back); the other half for the hard stop of
    // any that did not (a model that says nothing), so the whole stays within the step's bound.
    for (const handle of this.running.values()) {
      handle.yieldForShutdown();
    }
    if (await settlesWithin(allDone, this.stepTimeoutMs / 2)) {
      return;
    }
    for (const handle of this.running.values()) {
      this.logger.warn(`run ${handle.run.id} did not yield in time: its reply is aborted`);
      handle.stop('shutdown');
    }
    await allDone;
  }
}
