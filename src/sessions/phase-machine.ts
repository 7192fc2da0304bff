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

export function allowedNextPhases(from: SessionPhase): readonly SessionPhase[] {
  return NEXT_PHASES[from];
}

export function canTransition(from: SessionPhase, to: SessionPhase): boolean {
  return NEXT_PHASES[from].includes(to);
}

/**
 * The phases from which `to` may be entered: the `phase = ANY(...)` guard of the one conditional
 * UPDATE that changes a phase, so the check and the write cannot race.
 */
export function phasesLeadingTo(to: SessionPhase): SessionPhase[] {
  return SESSION_PHASES.filter((from) => canTransition(from, to));
}
