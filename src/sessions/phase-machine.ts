import { SESSION_PHASES, SessionPhase } from './session-phase';

/**
 * Which phase may follow which: the happy path INTAKE → CHECKLIST → PLAN → RENDER → PAYMENT →
 * COMPLETE → ITERATE → PLAN, plus one step back from CHECKLIST, PLAN and RENDER to revise.
 * A phase never "moves" to itself.
 */
const NEXT_PHASES: Readonly<Record<SessionPhase, readonly SessionPhase[]>> = {
  [SessionPhase.INTAKE]: [SessionPhase.CHECKLIST],
  [SessionPhase.CHECKLIST]: [SessionPhase.PLAN, SessionPhase.INTAKE],
  [SessionPhase.PLAN]: [SessionPhase.RENDER, SessionPhase.CHECKLIST],
  [SessionPhase.RENDER]: [SessionPhase.PAYMENT, SessionPhase.PLAN],
  [SessionPhase.PAYMENT]: [SessionPhase.COMPLETE],
  [SessionPhase.COMPLETE]: [SessionPhase.ITERATE],
  [SessionPhase.ITERATE]: [SessionPhase.PLAN],
};

/**
 * Without payments (PAYMENTS_ENABLED off) RENDER leads straight to COMPLETE and nothing leads to
 * PAYMENT. A session already in PAYMENT (from a time payments were on) may still go to COMPLETE.
 */
const WITHOUT_PAYMENTS: Readonly<Record<SessionPhase, readonly SessionPhase[]>> = {
  ...NEXT_PHASES,
  [SessionPhase.RENDER]: [SessionPhase.COMPLETE, SessionPhase.PLAN],
};

/** The transitions in force, with or without the PAYMENT phase. */
export class PhaseMachine {
  private readonly next: Readonly<Record<SessionPhase, readonly SessionPhase[]>>;

  constructor(readonly paymentsEnabled: boolean) {
    this.next = paymentsEnabled ? NEXT_PHASES : WITHOUT_PAYMENTS;
  }

  allowedNextPhases(from: SessionPhase): readonly SessionPhase[] {
    return this.next[from];
  }

  canTransition(from: SessionPhase, to: SessionPhase): boolean {
    return this.next[from].includes(to);
  }

  /**
   * The phases from which `to` may be entered: the `phase = ANY(...)` guard of the one
   * conditional UPDATE that changes a phase, so the check and the write cannot race.
   */
  phasesLeadingTo(to: SessionPhase): SessionPhase[] {
    return SESSION_PHASES.filter((from) => this.canTransition(from, to));
  }
}
