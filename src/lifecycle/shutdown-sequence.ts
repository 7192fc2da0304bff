import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';
import { ConnectionClosePolicy } from './connection-close.policy';
import { HttpDrainer } from './http-drainer';
import { InFlightRequests } from './in-flight-requests';
import { LifecycleState } from './lifecycle-state';
import { LongLivedConnections } from './long-lived-connections';
import { shutdownBudgetProblem } from './shutdown-budget';
import { ShutdownPhaseMetrics } from './shutdown-phase.metrics';
import { runShutdownSteps, type StepOutcome } from './shutdown-step-runner';
import { ShutdownSteps } from './shutdown-steps';

/** The final summary line (issue 6, point 1), one per shutdown. */
export interface ShutdownSummary {
  signal: string;
  durationMs: number;
  requestsCompleted: number;
  requestsCut: number;
  /** SSE streams ended by the drain. */
  sseClosed: number;
  /** socket.io clients disconnected by the drain. */
  socketsClosed: number;
  steps: Array<Pick<StepOutcome, 'name' | 'ms' | 'ok'>>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The whole shutdown, in DESIGN.md's order ("Shutdown" 1–7). Read top to bottom:
 *
 *   begin()                    DRAINING at once: ready 503, live 200, `Connection: close` from now
 *   beforeApplicationShutdown  drain delay → long-lived clients let go → HTTP drain (HttpDrainer)
 *   onApplicationShutdown      cleanup steps in stage order, each bounded → summary line
 *
 * Why these hooks: Nest's app.close() runs onModuleDestroy → beforeApplicationShutdown → dispose()
 * (socket.io and the HTTP server) → onApplicationShutdown (PITFALLS.md "NestJS shutdown"). Draining
 * in beforeApplicationShutdown finishes the last response before Nest disposes of the server, and
 * the cleanup steps (database pool among them) run after it — so app.close() in a test takes the
 * same path as a signal (ShutdownSignals calls begin() first, then app.close()). Only this provider
 * of LifecycleModule has these hooks: Nest runs one module's hooks in Promise.all.
 *
 * No phase throws: a failure is logged, recorded and makes `exitCode` 1, and the next phase runs.
 */
@Injectable()
export class ShutdownSequence
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(ShutdownSequence.name);
  private readonly config: AppConfig['shutdown'];
  private reason: string | undefined;
  private startedAt = 0;
  private completedAtStart = 0;
  private readonly failures: string[] = [];
  private longLivedClosed: Record<string, number> = {};
  private requestsCompleted = 0;
  private requestsCut = 0;
  private summary: ShutdownSummary | undefined;

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly state: LifecycleState,
    private readonly inFlight: InFlightRequests,
    private readonly connectionClose: ConnectionClosePolicy,
    private readonly longLived: LongLivedConnections,
    private readonly httpDrainer: HttpDrainer,
    private readonly steps: ShutdownSteps,
    private readonly metrics: ShutdownPhaseMetrics,
  ) {
    this.config = config.getOrThrow('shutdown', { infer: true });
  }

  /** 0 when every phase and step finished cleanly; 1 when anything was cut, failed or timed out. */
  get exitCode(): 0 | 1 {
    return this.failures.length === 0 ? 0 : 1;
  }

  get result(): ShutdownSummary | undefined {
    return this.summary;
  }

  /** The config check assumed one step per stage; now the real steps are known, check them. */
  onApplicationBootstrap(): void {
    const problem = shutdownBudgetProblem({
      ...this.config,
      stepTimeoutsMs: this.steps
        .ordered()
        .map((step) => step.timeoutMs ?? this.config.stepTimeoutMs),
    });
    if (problem !== undefined) {
      throw new Error(`invalid configuration: ${problem}`);
    }
  }

  /** Phase 1, at once (from the signal handler, before Nest's own hooks). Idempotent. */
  begin(reason: string): void {
    if (this.reason !== undefined) {
      return;
    }
    this.reason = reason;
    this.startedAt = Date.now();
    this.completedAtStart = this.inFlight.completedTotal;
    this.state.markDraining();
    this.connectionClose.applyTo(this.inFlight.responses());
    this.logger.log(
      {
        signal: reason,
        inFlight: this.inFlight.count,
        longLived: this.longLived.counts(),
        bounds: this.config,
      },
      `shutdown started (${reason}): draining`,
    );
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.begin(signal ?? 'app.close()');
    // Phase 2: the load balancer sees readiness 503 and stops routing; we keep serving meanwhile.
    await this.phase('drain delay', () => sleep(this.config.drainDelayMs));
    // Phase 3: SSE streams and socket.io clients are told and let go (nestjs/nest#9517: Nest never
    // ends them, and server.close() would wait for them forever).
    await this.phase('long-lived connections', async () => {
      const { closed, failures } = await this.longLived.drainAll(this.config.longLivedTimeoutMs);
      this.longLivedClosed = closed;
      failures.forEach((failure) => this.fail(`long-lived drain failed: ${failure}`));
    });
    // Phases 4–5: stop accepting, close sockets as their responses finish, wait for in-flight.
    await this.phase('http drain', async () => {
      const result = await this.httpDrainer.drain(
        this.config.requestTimeoutMs,
        this.config.idleSocketGraceMs,
      );
      this.requestsCut = result.cut.length;
      if (result.cut.length > 0) {
        this.fail(`${result.cut.length} request(s) cut at the request timeout`);
      }
      this.logger.log(
        { requestsCompleted: result.completed, socketsClosed: result.socketsClosed },
        `http drained: ${result.completed} request(s) completed, ${result.socketsClosed} socket(s) closed`,
      );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    // Phase 6: after the last response. Each step bounded; a failure never stops the next.
    let outcomes: StepOutcome[] = [];
    await this.phase('cleanup steps', async () => {
      outcomes = await runShutdownSteps(
        this.steps.ordered(),
        this.config.stepTimeoutMs,
        (outcome) => {
          if (outcome.ok) {
            this.logger.log(`shutdown step "${outcome.name}" done in ${outcome.ms} ms`);
          } else {
            this.fail(
              `shutdown step "${outcome.name}" failed after ${outcome.ms} ms: ${outcome.error}`,
            );
          }
        },
      );
    });
    this.state.markStopped();
    // Phase 7: the summary; ShutdownSignals turns exitCode into the process's exit code.
    this.requestsCompleted =
      this.inFlight.completedTotal - this.completedAtStart - this.requestsCut;
    this.summary = {
      signal: this.reason ?? 'app.close()',
      durationMs: Date.now() - this.startedAt,
      requestsCompleted: this.requestsCompleted,
      requestsCut: this.requestsCut,
      sseClosed: this.longLivedClosed.sse ?? 0,
      socketsClosed: this.longLivedClosed['socket.io'] ?? 0,
      steps: outcomes.map(({ name, ms, ok }) => ({ name, ms, ok })),
    };
    // Exactly the shape; the failures were each logged as they happened.
    if (this.exitCode === 0) {
      this.logger.log(this.summary, 'shutdown complete');
    } else {
      this.logger.error(this.summary, `shutdown complete with ${this.failures.length} failure(s)`);
    }
  }

  private async phase(name: string, run: () => Promise<void>): Promise<void> {
    const started = Date.now();
    try {
      await run();
    } catch (error) {
      this.fail(`phase "${name}" threw: ${error instanceof Error ? error.message : String(error)}`);
    }
    const ms = Date.now() - started;
    this.metrics.record(name, ms);
    this.logger.log({ phase: name, ms }, `shutdown phase "${name}" done in ${ms} ms`);
  }

  private fail(message: string): void {
    this.failures.push(message);
    this.logger.error(message);
  }
}
