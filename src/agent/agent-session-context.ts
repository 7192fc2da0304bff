/**
 * What the agent knows about the session it answers for. Kept as plain literals (not the sessions
 * module's enum) so this module stands alone; `SessionPhase` values are assignable to it.
 */
export type AgentPhase =
  'INTAKE' | 'CHECKLIST' | 'PLAN' | 'RENDER' | 'PAYMENT' | 'COMPLETE' | 'ITERATE';

export const AGENT_PHASES: readonly AgentPhase[] = [
  'INTAKE',
  'CHECKLIST',
  'PLAN',
  'RENDER',
  'PAYMENT',
  'COMPLETE',
  'ITERATE',
];

export interface AgentSessionContext {
  phase: AgentPhase;
  title: string;
  /** Exact decimal text as stored ("25000.00"), or null when the homeowner has not set one. */
  totalBudget: string | null;
  /** ISO 4217 code, e.g. "USD". */
  currency: string;
  /** Whether PAYMENT is one of the phases (PAYMENTS_ENABLED); off, RENDER leads to COMPLETE. */
  paymentsEnabled: boolean;
}
