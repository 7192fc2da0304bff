import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The import boundaries of eslint.config.mjs (docs/architecture.md) catch what they should: each
 * case lints one import, as if written in `file`, through the real config. Only
 * no-restricted-imports runs, without type information, so the files need not exist.
 */

/** [folder whose rule is meant, file the import is written in, import path]. */
const FORBIDDEN: Array<[string, string, string]> = [
  ['config', 'src/config/app-config.ts', '../common/errors/error-envelope'],
  ['config', 'src/config/app-config.ts', '../lifecycle/shutdown-budget'],
  ['common', 'src/common/http/route-label.ts', '../../database/data-source-options'],
  ['common', 'src/common/logging/logger-options.ts', '../../config/load-config'],
  ['database', 'src/database/database.module.ts', '../sessions'],
  ['database', 'src/database/open-database.ts', '../entities'],
  ['lifecycle', 'src/lifecycle/shutdown-sequence.ts', '../database/database.module'],
  ['lifecycle', 'src/lifecycle/shutdown-sequence.ts', '../gateway/sse/sse-connections'],
  ['lifecycle/startup', 'src/lifecycle/startup/listen.ts', '../../sessions'],
  ['lifecycle/startup', 'src/lifecycle/startup/listen.ts', '../../health/health.module'],
  ['sessions', 'src/sessions/sessions.service.ts', '../gateway/gateway.events'],
  ['sessions', 'src/sessions/sql/message.sql.ts', '../../lifecycle/lifecycle-state'],
  ['sessions', 'src/sessions/sessions.controller.ts', 'express'],
  ['sessions', 'src/sessions/events/domain-events.ts', 'socket.io'],
  ['sessions', 'src/sessions/events/domain-events.ts', '@nestjs/websockets'],
  ['gateway', 'src/gateway/fanout/live-events.ts', '../../sessions/messages.service'],
  ['gateway', 'src/gateway/sse/dto/query.ts', '../../../sessions/dto/session.dto'],
  ['gateway', 'src/gateway/gateway.module.ts', 'src/sessions/sessions.module'],
  ['gateway', 'src/gateway/fanout/live-events.ts', '../../database/notification-listener'],
  ['agent', 'src/agent/assistant.service.ts', '../sessions/sql/message.sql'],
  ['agent', 'src/agent/runs/run-worker.ts', '../../gateway'],
  ['agent', 'src/agent/runs/runs.controller.ts', 'express'],
  ['gateway', 'src/gateway/fanout/live-events.ts', '../../agent/runs/runs.service'],
  ['health', 'src/health/health.controller.ts', '../sessions/sessions.service'],
  ['health', 'src/health/readiness/database-ping.ts', '../../database/connect-with-retry'],
  ['auth', 'src/auth/authenticator.ts', '../sessions'],
  ['auth', 'src/auth/token-verifier.ts', '../database/query-rows'],
  ['auth', 'src/auth/authenticator.ts', '../lifecycle/lifecycle-state'],
  ['common', 'src/common/logging/redact-url.ts', '../../auth'],
  ['database', 'src/database/database.module.ts', '../auth'],
  ['sessions', 'src/sessions/principal/principal.ts', '../../auth/token-verifier'],
  ['gateway', 'src/gateway/socket/sessions.gateway.ts', '../../auth/authenticator'],
];

/** [file the import is written in, import path]. */
const ALLOWED: Array<[string, string]> = [
  ['src/gateway/fanout/live-events.ts', '../../sessions'],
  ['src/agent/assistant.service.ts', '../sessions/index'],
  ['src/agent/runs/run-worker.ts', '../../database/notification-listener'],
  ['src/gateway/fanout/live-events.ts', '../../agent'],
  ['src/sessions/events/domain-events.ts', '../../database/notification-listener'],
  ['src/sessions/sql/message.sql.ts', '../entities/message.entity'],
  ['src/lifecycle/startup/open-database.ts', '../../database/open-database'],
  ['src/lifecycle/startup/create-app.ts', '../../app.module'],
  ['src/lifecycle/shutdown-sequence.ts', '../config/app-config'],
  ['src/health/readiness/listener.health.ts', '../../database/notification-listener'],
  ['src/common/logging/logger-options.ts', '../../config/app-config'],
  ['src/database/data-source-options.ts', './migrations'],
  ['src/sessions/principal/principal.ts', '../../auth'],
  ['src/auth/token-verifier.ts', '../config/app-config'],
  ['src/auth/api-authenticated.decorator.ts', '../common/errors/error-envelope'],
  ['src/health/health.controller.ts', '../auth'],
  ['src/gateway/sse/session-events.controller.ts', '../../auth'],
];

/**
 * Run by a child Node process: ESLint loads eslint.config.mjs with import(), which Jest's module
 * registry cannot do. Reads [file, import] pairs on stdin, prints the reporting rules of each.
 */
const LINT_IMPORTS = `
const { ESLint } = require('eslint');
const eslint = new ESLint({
  overrideConfigFile: 'eslint.config.mjs',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});
const cases = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
Promise.all(
  cases.map(async ([file, from]) => {
    const code = 'import { x } from ' + JSON.stringify(from) + ';\\nexport { x };\\n';
    const [result] = await eslint.lintText(code, { filePath: file });
    return result.messages.map((message) => message.ruleId ?? message.message);
  }),
).then((reports) => process.stdout.write(JSON.stringify(reports)));
`;

function lintImports(cases: Array<[string, string]>): Promise<string[][]> {
  return new Promise((done, fail) => {
    const child = execFile(
      process.execPath,
      ['-e', LINT_IMPORTS],
      { cwd: resolve(__dirname, '..'), timeout: 20_000 },
      (error, stdout, stderr) => {
        if (error) {
          fail(new Error(`${error.message}\n${stderr}`));
        } else {
          done(JSON.parse(stdout) as string[][]);
        }
      },
    );
    child.stdin?.end(JSON.stringify(cases));
  });
}

describe('import boundaries (eslint.config.mjs)', () => {
  let forbidden: string[][];
  let allowed: string[][];

  beforeAll(async () => {
    const reports = await lintImports([
      ...FORBIDDEN.map(([, file, from]): [string, string] => [file, from]),
      ...ALLOWED,
    ]);
    forbidden = reports.slice(0, FORBIDDEN.length);
    allowed = reports.slice(FORBIDDEN.length);
  }, 30_000);

  it.each(FORBIDDEN.map((entry, index) => [...entry, index] as const))(
    'should refuse, by the %s rule, %s importing %s',
    (_rule, _file, _from, index) => {
      expect(forbidden[index]).toEqual(['no-restricted-imports']);
    },
  );

  it.each(ALLOWED.map((entry, index) => [...entry, index] as const))(
    'should let %s import %s',
    (_file, _from, index) => {
      expect(allowed[index]).toEqual([]);
    },
  );
});
