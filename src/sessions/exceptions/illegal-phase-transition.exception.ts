import { ConflictException } from '@nestjs/common';
import type { SessionPhase } from '../session-phase';

export class IllegalPhaseTransitionException extends ConflictException {
  constructor(current: SessionPhase, requested: SessionPhase, allowed: readonly SessionPhase[]) {
    super({
      message: `Cannot move from ${current} to ${requested}; allowed next: ${allowed.join(', ')}`,
      code: 'ILLEGAL_PHASE_TRANSITION',
      details: [{ currentPhase: current, requestedPhase: requested, allowedNextPhases: allowed }],
    });
  }
}
