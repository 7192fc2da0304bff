import type { Parameters, RunDetails } from 'fast-check';

/**
 * How a fuzz run is driven from the environment (docs/testing.md):
 * - FUZZ_SEED (and FUZZ_PATH) replay a failure: fast-check prints both in its report;
 * - FUZZ_RUNS scales every property (default 100 runs, bounded for a 2-core CI).
 */
const DEFAULT_RUNS = 100;

function runs(): number {
  const given = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(given) && given > 0 ? given : DEFAULT_RUNS;
}

/** fast-check parameters for one property: `share` of the run count (at least one run). */
export function fuzzParameters<T>(share = 1): Parameters<T> {
  const seed = process.env.FUZZ_SEED;
  const path = process.env.FUZZ_PATH;
  return {
    numRuns: Math.max(1, Math.round(runs() * share)),
    ...(seed !== undefined && seed !== '' ? { seed: Number(seed) } : {}),
    ...(path !== undefined && path !== '' ? { path } : {}),
    // A failing input is reported with its seed and path; shrinking is bounded so that a
    // failure under load still reports within the test's timeout.
    interruptAfterTimeLimit: 60_000,
    markInterruptAsFailure: true,
    reporter: reportFailure,
  };
}

/**
 * fast-check's own report prints the whole counterexample, which for this fuzz can be a
 * 100 000-character string: this one says what broke (our checks cut long values), after how many
 * runs, and the seed and path that replay it.
 */
function reportFailure<T>(details: RunDetails<T>): void {
  if (!details.failed) {
    return;
  }
  const cause =
    details.errorInstance instanceof Error
      ? details.errorInstance.message
      : String(details.errorInstance);
  throw new Error(
    `Property failed after ${details.numRuns} run(s)${details.interrupted ? ' (interrupted)' : ''}` +
      ` and ${details.numShrinks} shrink(s).\n` +
      `Replay: FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''}\n${cause}`,
  );
}
