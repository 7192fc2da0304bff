/** The planning phases a renovation session moves through (Postgres enum `session_phase`). */
export enum SessionPhase {
  INTAKE = 'INTAKE',
  CHECKLIST = 'CHECKLIST',
  PLAN = 'PLAN',
  RENDER = 'RENDER',
  PAYMENT = 'PAYMENT',
  COMPLETE = 'COMPLETE',
  ITERATE = 'ITERATE',
}

export const SESSION_PHASES: readonly SessionPhase[] = Object.values(SessionPhase);
