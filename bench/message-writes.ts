/**
 * npm run bench:writes — latency of message writes (owner check + row lock + INSERT + NOTIFY, one
 * statement) against an in-process app, on a fresh database created on BENCH_PG_URL's server
 * (dropped afterwards). WRITES writes one after another to one session, after WARMUP unmeasured
 * ones, twice: through HTTP (POST /api/sessions/:id/messages: the full path) and by calling
 * MessagesService.create directly (the database part alone, without HTTP noise).
 *
 * RTT_MS > 0 puts the app behind a TCP proxy that delays every chunk by RTT_MS / 2 each way, as a
 * database across a network would: the cost of each round trip then shows. Node's timers round a
 * delay up to whole milliseconds, so use even values (RTT_MS=2: at least 1 ms each way).
 *
 *   WRITES=2000 RTT_MS=1 npm run bench:writes
 */
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type AddressInfo, createServer, connect, type Server, type Socket } from 'node:net';
import { AppModule } from '../src/app.module';
import { NEST_APP_OPTIONS, setupApp } from '../src/app.setup';
import { toAppConfig } from '../src/config/app-config';
import { loadEnv, packageVersion } from '../src/config/load-env';
import { LifecycleState } from '../src/lifecycle/lifecycle-state';
import { createBootLogger } from '../src/lifecycle/startup/boot-logger';
import { openDatabaseAndMigrate } from '../src/lifecycle/startup/database-steps';
import { MessagesService } from '../src/sessions';
import { createDatabase } from '../test/support/create-database';
import { postCreated } from '../test/support/post-created';
import { percentile } from './statistics';

const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WRITES = Number(process.env.WRITES ?? 2000);
const WARMUP = Number(process.env.WARMUP ?? 200);
const RTT_MS = Number(process.env.RTT_MS ?? 0);

/** Forwards to `target`, delaying each chunk by `delayMs` in both directions (order preserved). */
async function delayingProxy(target: URL, delayMs: number): Promise<Server> {
  const pipe = (from: Socket, to: Socket): void => {
    from.on('data', (chunk) => setTimeout(() => to.write(chunk), delayMs));
    from.on('end', () => setTimeout(() => to.end(), delayMs));
    from.on('error', () => to.destroy());
  };
  const [host, port] = [target.hostname, Number(target.port || 5432)];
  const server = createServer((client) => {
    const upstream = connect(port, host);
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return server;
}

async function timed(count: number, write: (i: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const sent = performance.now();
    await write(i);
    latencies.push(performance.now() - sent);
  }
  return latencies.sort((a, b) => a - b);
}

function report(label: string, latencies: number[]): void {
  const ms = (value: number): string => `${value.toFixed(2)} ms`;
  const total = latencies.reduce((sum, value) => sum + value, 0);
  console.log(
    `${label}: median ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}, ` +
      `p99 ${ms(percentile(latencies, 99))}, ${((latencies.length / total) * 1000).toFixed(0)}/s`,
  );
}

async function main(): Promise<void> {
  const database = await createDatabase(ADMIN_URL, `bench_writes_${process.pid}`);
  const url = new URL(database.url);
  let app: INestApplication | undefined;
  let proxy: Server | undefined;
  try {
    if (RTT_MS > 0) {
      proxy = await delayingProxy(url, RTT_MS / 2);
      url.host = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    }
    const env = loadEnv({ NODE_ENV: 'test', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0' });
    const config = toAppConfig(env, packageVersion(), url.toString());
    const dataSource = await openDatabaseAndMigrate(config.db, createBootLogger(config.app));
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot(config, dataSource)],
    }).compile();
    app = setupApp(moduleRef.createNestApplication(NEST_APP_OPTIONS));
    await app.listen(0, '127.0.0.1');
    app.get(LifecycleState).markReady();
    const base = await app.getUrl();
    const session = await postCreated<{ id: string; ownerId: string }>(`${base}/api/sessions`, {
      title: 'bench',
    });
    const messagesUrl = `${base}/api/sessions/${session.id}/messages`;
    const messages = app.get(MessagesService);
    const principal = { ownerId: session.ownerId };

    console.log(
      `${WRITES} sequential message writes each (after ${WARMUP} warm-up), RTT_MS=${RTT_MS}:`,
    );
    await timed(WARMUP, (i) =>
      postCreated<{ id: string; ownerId: string }>(messagesUrl, { content: `warm-up ${i}` }),
    );
    report(
      '  HTTP POST   ',
      await timed(WRITES, (i) =>
        postCreated<{ id: string; ownerId: string }>(messagesUrl, { content: `m ${i}` }),
      ),
    );
    await timed(WARMUP, (i) => messages.create(principal, session.id, { content: `warm-up ${i}` }));
    report(
      '  service call',
      await timed(WRITES, (i) => messages.create(principal, session.id, { content: `m ${i}` })),
    );
  } finally {
    await app?.close();
    proxy?.close();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
