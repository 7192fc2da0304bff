/**
 * Money travels as a decimal string end to end ("1234.50"): numeric(14,2) in Postgres, a string
 * from the pg driver, a string in JSON. Never a JS float. Input may be a JSON string or number;
 * a number is turned into its shortest decimal text first, so 0.1 stays "0.1" and 0.001 stays
 * "0.001" (and is refused) rather than being rounded silently.
 */
export const DECIMAL_AMOUNT_PATTERN = /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/;

export const DECIMAL_AMOUNT_RULE =
  'a decimal >= 0 with at most 12 integer digits and 2 decimals, as a string or a number';

/** class-transformer step: numbers become decimal text, everything else is left for validation. */
export function toDecimalText(value: unknown): unknown {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
}

export function isDecimalAmount(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL_AMOUNT_PATTERN.test(value);
}
