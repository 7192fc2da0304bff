import { ConflictException } from '@nestjs/common';
import type { SessionPhase } from '../session-phase';

/** A move to PAYMENT while PAYMENTS_ENABLED is off: a state the session cannot reach here. */
export class PaymentsDisabledException extends ConflictException {
  constructor(current: SessionPhase, allowed: readonly SessionPhase[]) {
    super({
      message: `Payments are disabled on this server (PAYMENTS_ENABLED); allowed next: ${allowed.join(', ')}`,
      code: 'PAYMENTS_DISABLED',
      details: [{ currentPhase: current, requestedPhase: 'PAYMENT', allowedNextPhases: allowed }],
    });
  }
}
