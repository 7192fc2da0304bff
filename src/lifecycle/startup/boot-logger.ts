import pino, { type Logger } from 'pino';
import type { AppConfig } from '../../config/app-config';

export type BootLogger = Logger;

/**
 * The logger of the startup and exit paths, which run before Nest's logger exists or after it is
 * gone. Synchronous, so a fatal line is on stderr before process.exit(). Fatal lines are never
 * silenced: a quiet test run still says why a process stopped.
 */
export function createBootLogger(app?: AppConfig['app']): BootLogger {
  const level =
    app === undefined || app.logLevel === 'silent' ? (app ? 'fatal' : 'info') : app.logLevel;
  const base = { pid: process.pid, ...(app ? { env: app.env } : {}) };
  if (app?.env === 'development') {
    // Loaded here, not at the top: every other environment would pay for it at each start.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as typeof import('pino-pretty');
    return pino(
      { level, base },
      pretty({ sync: true, destination: 2, translateTime: 'SYS:HH:MM:ss.l' }),
    );
  }
  return pino({ level, base }, pino.destination({ fd: 2, sync: true }));
}
