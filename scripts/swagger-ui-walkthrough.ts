/**
 * A person's walk through Swagger UI, done by a real headless Chromium over the DevTools protocol:
 * open /api-docs, and with "Try it out" create a session, move its phase and post a message.
 * Prints the status Swagger UI showed for each. Needs a running server with docs enabled and
 * Debian's chromium started with a debugging port:
 *
 *   chromium --headless --no-sandbox --disable-gpu --remote-debugging-port=9333 about:blank &
 *   BASE_URL=http://127.0.0.1:3000 npx ts-node --transpile-only scripts/swagger-ui-walkthrough.ts
 */
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const DEVTOOLS = process.env.DEVTOOLS_URL ?? 'http://127.0.0.1:9333';

/** Runs in the page: finds an operation, opens it, fills parameters and body, executes it. */
const PAGE_HELPERS = `
  window.__op = (method, path) => [...document.querySelectorAll('.opblock')].find((el) =>
    el.classList.contains('opblock-' + method) &&
    el.querySelector('.opblock-summary-path')?.getAttribute('data-path') === path);
  window.__setValue = (el, value) => {
    const proto = el.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  };
  window.__pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  window.__run = async (method, path, params, body) => {
    const op = __op(method, path);
    if (!op) return { error: 'no operation ' + method + ' ' + path };
    if (!op.classList.contains('is-open')) { op.querySelector('.opblock-summary-control').click(); await __pause(400); }
    const tryOut = op.querySelector('.try-out__btn');
    if (tryOut && !tryOut.classList.contains('cancel')) { tryOut.click(); await __pause(1200); }
    for (const [name, value] of Object.entries(params)) {
      const input = op.querySelector('tr[data-param-name="' + name + '"] input');
      if (!input) return { error: 'no parameter ' + name };
      __setValue(input, value);
      await __pause(300);
    }
    if (body !== undefined) {
      const textarea = op.querySelector('textarea.body-param__text');
      if (!textarea) return { error: 'no request body editor' };
      __setValue(textarea, body);
    }
    await __pause(300);
    op.querySelector('.execute').click();
    for (let attempt = 0; attempt < 40; attempt += 1) {
      await __pause(250);
      const status = op.querySelector('.live-responses-table tbody .response-col_status');
      if (status) return { status: status.textContent.trim(), body: op.querySelector('.live-responses-table .microlight')?.textContent };
    }
    return { error: 'no response shown' };
  };
  'ready'`;

interface RunResult {
  status?: string;
  body?: string;
  error?: string;
}

async function main(): Promise<void> {
  const created = (await (
    await fetch(`${DEVTOOLS}/json/new?about:blank`, { method: 'PUT' })
  ).json()) as {
    webSocketDebuggerUrl: string;
  };
  const socket = new WebSocket(created.webSocketDebuggerUrl);
  await new Promise((resolve) => socket.once('open', resolve));
  let nextId = 0;
  const pending = new Map<number, (message: { result?: unknown }) => void>();
  socket.on('message', (raw: Buffer) => {
    const message = JSON.parse(raw.toString()) as { id?: number; result?: unknown };
    if (message.id !== undefined) {
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    }
  });
  const send = (
    method: string,
    params: Record<string, unknown> = {},
  ): Promise<{ result?: unknown }> =>
    new Promise((resolve) => {
      nextId += 1;
      pending.set(nextId, resolve);
      socket.send(JSON.stringify({ id: nextId, method, params }));
    });
  const evaluate = async <T>(expression: string): Promise<T> => {
    const reply = (await send('Runtime.evaluate', {
      expression,
      awaitPromise: true,
      returnByValue: true,
    })) as {
      result: { result: { value: T }; exceptionDetails?: unknown };
    };
    if (reply.result.exceptionDetails !== undefined) {
      throw new Error(JSON.stringify(reply.result.exceptionDetails));
    }
    return reply.result.result.value;
  };
  const run = (
    method: string,
    path: string,
    params: Record<string, string>,
    body: unknown,
  ): Promise<RunResult> =>
    evaluate<RunResult>(
      `__run(${JSON.stringify(method)}, ${JSON.stringify(path)}, ${JSON.stringify(params)}, ${JSON.stringify(JSON.stringify(body))})`,
    );

  await send('Page.enable');
  await send('Emulation.setDeviceMetricsOverride', {
    width: 1280,
    height: 2400,
    deviceScaleFactor: 1,
    mobile: false,
  });
  await send('Page.navigate', { url: `${BASE}/api-docs` });
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await evaluate(PAGE_HELPERS);

  const session = await run(
    'post',
    '/api/sessions',
    {},
    { title: 'Kitchen remodel', totalBudget: '25000.00', currency: 'EUR' },
  );
  console.log(`create a session: ${session.status ?? session.error}`);
  const sessionId = (JSON.parse(session.body ?? '{}') as { id?: string }).id ?? '';
  const phase = await run(
    'post',
    '/api/sessions/{id}/phase',
    { id: sessionId },
    { phase: 'CHECKLIST' },
  );
  console.log(`move its phase to CHECKLIST: ${phase.status ?? phase.error}`);
  const message = await run(
    'post',
    '/api/sessions/{id}/messages',
    { id: sessionId },
    { content: 'Replace the countertops' },
  );
  console.log(`post a message: ${message.status ?? message.error}`);

  const shot = (await send('Page.captureScreenshot', { format: 'png' })) as {
    result: { data: string };
  };
  writeFileSync('swagger-ui-walkthrough.png', Buffer.from(shot.result.data, 'base64'));
  socket.close();
  const ok = session.status === '201' && phase.status === '200' && message.status === '201';
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
