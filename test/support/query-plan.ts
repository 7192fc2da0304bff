import type { EntityManager } from 'typeorm';

/** One node of Postgres's `EXPLAIN (FORMAT JSON)` output, with the fields the plan tests read. */
export interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}

/** Every node of a statement's plan, the root first (planned, not run: no ANALYZE). */
export async function planOf(
  db: Pick<EntityManager, 'query'>,
  sql: string,
  parameters: unknown[],
): Promise<PlanNode[]> {
  const [row] = await db.query<Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>>(
    `EXPLAIN (FORMAT JSON) ${sql}`,
    parameters,
  );
  const plan = row?.['QUERY PLAN'][0]?.Plan;
  if (plan === undefined) {
    throw new Error(`no plan for: ${sql}`);
  }
  return flatten(plan);
}
