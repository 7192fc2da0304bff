import { type INestApplication, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';
import { ShutdownSequence } from './shutdown-sequence';
import { ShutdownStage, ShutdownSteps } from './shutdown-steps';

export interface ShutdownSignalsOptions {
  /** The embedded Postgres the bootstrap started, stopped as the last database step. */
  embeddedDatabase?: { stop(): Promise<void> };
}

export const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const;

/** 128 + SIGINT (2): what a shell reports for a process stopped with Ctrl-C. */
const FORCED_EXIT_CODE = 130;

/**
 * The process side of shutdown: which events start it, the global deadline, and the exit code.
 * Everything in between is ShutdownSequence, which app.close() runs for tests too.
 *
 * Our own handlers rather than Nest's enableShutdownHooks(): Nest's removes its listeners, runs
 * close(), then re-raises the signal, so the process dies by the signal (exit 143, never 0, whatever
 * happened) and a second signal during the drain hits Node's default handler and kills it at once
 * (docs/lifecycle.md, "Signals"). Here:
 * - SIGTERM, SIGINT, SIGQUIT: one shutdown; exit 0 if it was clean, 1 otherwise.
 * - The same signal again: logged and ignored (an orchestrator repeating SIGTERM must not cut
 *   the drain short). A SIGINT during shutdown is a person pressing Ctrl-C again: exit 130 at once
 *   — except the one copy npm forwards: `npm start` passes the SIGINT it got from the terminal on
 *   to us (@npmcli/run-script lib/signal-manager.js), so one Ctrl-C arrives twice there.
 * - uncaughtException / unhandledRejection: one fatal line, the same bounded shutdown, exit 1.
 * - SHUTDOWN_TIMEOUT_MS after the start, whatever is still running: exit 1. That timer is not
 *   unref'd on purpose: a guard that does not hold the process open cannot fire when it hangs.
 */
export function installShutdownSignals(
  app: INestApplication,
  options: ShutdownSignalsOptions = {},
): void {
  const logger = new Logger('ShutdownSignals');
  const sequence = app.get(ShutdownSequence);
  const { timeoutMs } = app
    .get<ConfigService<AppConfig, true>>(ConfigService)
    .getOrThrow('shutdown', { infer: true });
  const { embeddedDatabase } = options;
  if (embeddedDatabase !== undefined) {
    // Same stage as the pool, registered after it: the server stops once nothing uses it.
    app.get(ShutdownSteps).register({
      name: 'stop embedded Postgres',
      stage: ShutdownStage.CLOSE_DATABASE,
      run: () => embeddedDatabase.stop(),
    });
  }

  let started: string | undefined;
  let forcedFailure = false;
  // npm sets npm_lifecycle_event for the scripts it runs, and forwards the terminal's SIGINT to them.
  let forwardedCopiesLeft = process.env.npm_lifecycle_event === undefined ? 0 : 1;

  const exit = (code: number): never => {
    logger.log({ exitCode: code }, `exiting with code ${code}`);
    process.exit(code);
  };

  const shutdown = (reason: string): void => {
    started = reason;
    setTimeout(() => {
      logger.fatal(`shutdown deadline of ${timeoutMs} ms (SHUTDOWN_TIMEOUT_MS) passed; exiting`);
      exit(1);
    }, timeoutMs);
    sequence.begin(reason);
    // begin() recorded the reason; Nest's typed close() takes no signal.
    app.close().then(
      () => exit(forcedFailure ? 1 : sequence.exitCode),
      (error: unknown) => {
        logger.fatal(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        exit(1);
      },
    );
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (started === undefined) {
      shutdown(signal);
      return;
    }
    if (signal === 'SIGINT' && started === 'SIGINT' && forwardedCopiesLeft > 0) {
      forwardedCopiesLeft -= 1;
      logger.log('SIGINT forwarded by npm: the same Ctrl-C, the shutdown goes on');
      return;
    }
    if (signal === 'SIGINT') {
      logger.warn(`SIGINT during shutdown (${started}): exiting at once`);
      exit(FORCED_EXIT_CODE);
    }
    logger.warn(`${signal} during shutdown (${started}): ignored, the shutdown is already running`);
  };

  const onFatal = (kind: string, error: unknown): void => {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    logger.fatal({ err: error }, `${kind}: ${detail.split('\n')[0] ?? detail}`);
    forcedFailure = true;
    if (started === undefined) {
      shutdown(kind);
    }
  };

  for (const signal of SIGNALS) {
    process.on(signal, onSignal);
  }
  process.on('uncaughtException', (error) => onFatal('uncaughtException', error));
  process.on('unhandledRejection', (reason) => onFatal('unhandledRejection', reason));
}
