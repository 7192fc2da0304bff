import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BareModule, queries } from './bare-module';

/**
 * The bare NestJS 11 / express baseline of `npm run bench:http` (BareModule, nothing else).
 * Prints `{"msg":"started","port":N}` once listening, like the server.
 */
export async function serveBare(app: INestApplication): Promise<void> {
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const address = (app.getHttpServer() as import('node:http').Server).address() as {
    port: number;
  };
  console.log(JSON.stringify({ msg: 'started', port: address.port }));
  process.once('SIGTERM', () => {
    void app.close().then(() => queries.pool.end());
  });
}

if (require.main === module) {
  void NestFactory.create(BareModule, { logger: ['error', 'warn'] }).then(serveBare);
}
