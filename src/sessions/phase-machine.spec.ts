import { allowedNextPhases, canTransition, phasesLeadingTo } from './phase-machine';
import { SESSION_PHASES, SessionPhase } from './session-phase';

const { INTAKE, CHECKLIST, PLAN, RENDER, PAYMENT, COMPLETE, ITERATE } = SessionPhase;

describe('phase machine', () => {
  it('should allow the happy path from INTAKE to COMPLETE and round through ITERATE', () => {
    const path = [INTAKE, CHECKLIST, PLAN, RENDER, PAYMENT, COMPLETE, ITERATE, PLAN];
    for (let i = 1; i < path.length; i += 1) {
      expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
    }
  });

  it('should allow exactly one step back from CHECKLIST, PLAN and RENDER', () => {
    expect(canTransition(CHECKLIST, INTAKE)).toBe(true);
    expect(canTransition(PLAN, CHECKLIST)).toBe(true);
    expect(canTransition(RENDER, PLAN)).toBe(true);
    expect(canTransition(RENDER, CHECKLIST)).toBe(false);
    expect(canTransition(PAYMENT, RENDER)).toBe(false);
    expect(canTransition(COMPLETE, PAYMENT)).toBe(false);
  });

  it('should refuse skipping ahead and staying in place', () => {
    expect(canTransition(INTAKE, PLAN)).toBe(false);
    expect(canTransition(PLAN, PAYMENT)).toBe(false);
    for (const phase of SESSION_PHASES) {
      expect(canTransition(phase, phase)).toBe(false);
    }
  });

  it('should list the allowed next phases', () => {
    expect(allowedNextPhases(INTAKE)).toEqual([CHECKLIST]);
    expect(allowedNextPhases(PLAN)).toEqual([RENDER, CHECKLIST]);
    expect(allowedNextPhases(COMPLETE)).toEqual([ITERATE]);
  });

  it('should name every phase that may lead into a target, consistently with canTransition', () => {
    expect(phasesLeadingTo(PLAN).sort()).toEqual([CHECKLIST, ITERATE, RENDER].sort());
    expect(phasesLeadingTo(INTAKE)).toEqual([CHECKLIST]);
    for (const to of SESSION_PHASES) {
      for (const from of SESSION_PHASES) {
        expect(phasesLeadingTo(to).includes(from)).toBe(canTransition(from, to));
      }
    }
  });
});
