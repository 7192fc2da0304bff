import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crossFieldErrors } from './app-config';
import { envSchema, type RawEnv } from './env.schema';

/** Thrown with every configuration problem at once; startup turns it into one fatal line. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigValidationError';
  }
}

export function packageVersion(): string {
  const raw = readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8');
  return (JSON.parse(raw) as { version: string }).version;
}

/** Empty strings count as unset, as in most deployment tools' templating. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}

/**
 * The environment validated against the schema and the cross-field rules, or a
 * ConfigValidationError listing every problem. `toAppConfig` turns it into the typed config once
 * the database URL is known (DATABASE_URL, or the embedded database's).
 */
export function loadEnv(env: NodeJS.ProcessEnv = process.env): RawEnv {
  const parsed = envSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const given = env[name];
      return `${name}: ${issue.message}${given === undefined ? '' : ` (got ${JSON.stringify(given)})`}`;
    });
    throw new ConfigValidationError(problems);
  }
  const crossErrors = crossFieldErrors(parsed.data);
  if (crossErrors.length > 0) {
    throw new ConfigValidationError(crossErrors);
  }
  return parsed.data;
}
