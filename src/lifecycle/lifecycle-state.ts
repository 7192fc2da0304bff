import { Injectable, Logger } from '@nestjs/common';

export enum LifecyclePhase {
  STARTING = 'STARTING',
  READY = 'READY',
  DRAINING = 'DRAINING',
  STOPPED = 'STOPPED',
}

/**
 * Where the process is in its life. Readiness, the `Connection: close` policy and the drain all read
 * this one value, so they can never disagree. Phases only move forward.
 */
@Injectable()
export class LifecycleState {
  private readonly logger = new Logger(LifecycleState.name);
  private current = LifecyclePhase.STARTING;
  private readonly order = [
    LifecyclePhase.STARTING,
    LifecyclePhase.READY,
    LifecyclePhase.DRAINING,
    LifecyclePhase.STOPPED,
  ];

  get phase(): LifecyclePhase {
    return this.current;
  }

  get isReady(): boolean {
    return this.current === LifecyclePhase.READY;
  }

  /** True from the first shutdown signal on: responses then carry `Connection: close`. */
  get isShuttingDown(): boolean {
    return this.current === LifecyclePhase.DRAINING || this.current === LifecyclePhase.STOPPED;
  }

  markReady(): void {
    this.moveTo(LifecyclePhase.READY);
  }

  markDraining(): void {
    this.moveTo(LifecyclePhase.DRAINING);
  }

  markStopped(): void {
    this.moveTo(LifecyclePhase.STOPPED);
  }

  private moveTo(next: LifecyclePhase): void {
    if (this.order.indexOf(next) <= this.order.indexOf(this.current)) {
      return;
    }
    this.logger.log(`lifecycle ${this.current} -> ${next}`);
    this.current = next;
  }
}
