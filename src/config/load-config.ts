import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envSchema } from './env.schema';
import { type AppConfig, crossFieldErrors, toAppConfig } from './app-config';

/** Thrown with every configuration problem at once; main.ts turns it into one fatal line. */
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
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
  return toAppConfig(parsed.data, packageVersion());
}
