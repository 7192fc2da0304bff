import { PhaseMachine } from './phase-machine';
import { SESSION_PHASES, SessionPhase } from './session-phase';

const { INTAKE, CHECKLIST, PLAN, RENDER, PAYMENT, COMPLETE, ITERATE } = SessionPhase;

describe('phase machine with payments', () => {
  const machine = new PhaseMachine(true);

  it('should allow the happy path from INTAKE to COMPLETE and round through ITERATE', () => {
    const path = [INTAKE, CHECKLIST, PLAN, RENDER, PAYMENT, COMPLETE, ITERATE, PLAN];
    for (let i = 1; i < path.length; i += 1) {
      expect(machine.canTransition(path[i - 1]!, path[i]!)).toBe(true);
    }
    expect(machine.canTransition(RENDER, COMPLETE)).toBe(false);
  });

  it('should allow exactly one step back from CHECKLIST, PLAN and RENDER', () => {
    expect(machine.canTransition(CHECKLIST, INTAKE)).toBe(true);
    expect(machine.canTransition(PLAN, CHECKLIST)).toBe(true);
    expect(machine.canTransition(RENDER, PLAN)).toBe(true);
    expect(machine.canTransition(RENDER, CHECKLIST)).toBe(false);
    expect(machine.canTransition(PAYMENT, RENDER)).toBe(false);
    expect(machine.canTransition(COMPLETE, PAYMENT)).toBe(false);
  });

  it('should refuse skipping ahead and staying in place', () => {
    expect(machine.canTransition(INTAKE, PLAN)).toBe(false);
    expect(machine.canTransition(PLAN, PAYMENT)).toBe(false);
    for (const phase of SESSION_PHASES) {
      expect(machine.canTransition(phase, phase)).toBe(false);
    }
  });

  it('should list the allowed next phases', () => {
    expect(machine.allowedNextPhases(INTAKE)).toEqual([CHECKLIST]);
    expect(machine.allowedNextPhases(PLAN)).toEqual([RENDER, CHECKLIST]);
    expect(machine.allowedNextPhases(RENDER)).toEqual([PAYMENT, PLAN]);
    expect(machine.allowedNextPhases(COMPLETE)).toEqual([ITERATE]);
  });
});

describe('phase machine without payments', () => {
  const machine = new PhaseMachine(false);

  it('should go from RENDER straight to COMPLETE', () => {
    const path = [INTAKE, CHECKLIST, PLAN, RENDER, COMPLETE, ITERATE, PLAN];
    for (let i = 1; i < path.length; i += 1) {
      expect(machine.canTransition(path[i - 1]!, path[i]!)).toBe(true);
    }
    expect(machine.allowedNextPhases(RENDER)).toEqual([COMPLETE, PLAN]);
  });

  it('should lead nowhere into PAYMENT, but let a session already there complete', () => {
    expect(machine.phasesLeadingTo(PAYMENT)).toEqual([]);
    expect(machine.canTransition(PAYMENT, COMPLETE)).toBe(true);
    expect(machine.phasesLeadingTo(COMPLETE).sort()).toEqual([PAYMENT, RENDER].sort());
  });

  it('should otherwise be the same machine', () => {
    const withPayments = new PhaseMachine(true);
    for (const from of SESSION_PHASES.filter((phase) => phase !== RENDER)) {
      expect(machine.allowedNextPhases(from)).toEqual(withPayments.allowedNextPhases(from));
    }
  });
});

describe.each([true, false])('phasesLeadingTo (payments %s)', (payments) => {
  const machine = new PhaseMachine(payments);

  it('should name every phase that may lead into a target, consistently with canTransition', () => {
    expect(machine.phasesLeadingTo(PLAN).sort()).toEqual([CHECKLIST, ITERATE, RENDER].sort());
    expect(machine.phasesLeadingTo(INTAKE)).toEqual([CHECKLIST]);
    for (const to of SESSION_PHASES) {
      for (const from of SESSION_PHASES) {
        expect(machine.phasesLeadingTo(to).includes(from)).toBe(machine.canTransition(from, to));
      }
    }
  });
});
