import { LiveCapacityException } from './live-capacity.exception';

export interface CapLimits {
  total: number;
  perPrincipal: number;
}

/** A held place under the caps; release() is idempotent. */
export interface CapSlot {
  release: () => void;
}

/**
 * Counts live connections of one kind per principal and in total, and refuses one past either
 * cap. A slot is taken before the connection's first await and released when it closes (or its
 * opening fails), so concurrent opens cannot all slip under the cap together.
 */
export class ConnectionCaps {
  private total = 0;
  private readonly perPrincipal = new Map<string, number>();

  constructor(
    private readonly kind: string,
    private readonly limits: CapLimits,
  ) {}

  /**
   * Throws LiveCapacityException past a cap; the caller's own cap is checked first. `caller` is
   * the principal, or the client's address while authentication is off (callerKey).
   */
  take(caller: string): CapSlot {
    const mine = this.perPrincipal.get(caller) ?? 0;
    if (mine >= this.limits.perPrincipal) {
      throw new LiveCapacityException(
        'TOO_MANY_LIVE_CONNECTIONS',
        `Too many open ${this.kind} connections for this user (at most ${this.limits.perPrincipal} per instance); close one and retry`,
      );
    }
    if (this.total >= this.limits.total) {
      throw new LiveCapacityException(
        'SERVER_AT_CAPACITY',
        `This instance has no room for another ${this.kind} connection (at most ${this.limits.total}); retry shortly`,
      );
    }
    this.total += 1;
    this.perPrincipal.set(caller, mine + 1);
    let held = true;
    return {
      release: () => {
        if (!held) {
          return;
        }
        held = false;
        this.total -= 1;
        const left = (this.perPrincipal.get(caller) ?? 1) - 1;
        if (left > 0) {
          this.perPrincipal.set(caller, left);
        } else {
          this.perPrincipal.delete(caller);
        }
      },
    };
  }

  get held(): number {
    return this.total;
  }
}
