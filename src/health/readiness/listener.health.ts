import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { NotificationListener } from '../../database/notification-listener';

/**
 * The LISTEN connection carries domain events to this instance's socket.io and SSE clients. While
 * it is down (it reconnects on its own) this instance would serve writes whose events its own
 * clients never see, so it should not take traffic. No I/O: the listener knows its state.
 */
@Injectable()
export class ListenerHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly listener: NotificationListener,
  ) {}

  check(key = 'listener'): HealthIndicatorResult {
    const indicator = this.health.check(key);
    return this.listener.isListening()
      ? indicator.up()
      : indicator.down({ message: 'LISTEN connection down; reconnecting' });
  }
}
