import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { ShutdownStage, ShutdownSteps } from './shutdown-steps';

/**
 * The last cleanup step: pino writes through an asynchronous destination (sonic-boom, or a worker
 * thread for pino-pretty), so lines logged just before exit can sit in its buffer. Flushing here,
 * with a timeout like every step, means the shutdown's own log lines are on disk before exit.
 * (The summary line logged after it is flushed synchronously by pino's exit hook.)
 */
@Injectable()
export class FlushLogsStep implements OnModuleInit {
  constructor(private readonly steps: ShutdownSteps) {}

  onModuleInit(): void {
    this.steps.register({
      name: 'flush logs',
      stage: ShutdownStage.FLUSH_LOGS,
      run: () => FlushLogsStep.flush(),
    });
  }

  private static flush(): Promise<void> {
    // Undefined when the app runs without nestjs-pino's LoggerModule.
    const root = PinoLogger.root as PinoLogger['logger'] | undefined;
    if (root === undefined) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) =>
      root.flush((error) => (error ? reject(error) : resolve())),
    );
  }
}
