import 'reflect-metadata';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Module,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BaselineQueries } from './baseline-queries';

/**
 * The bare NestJS 11 / express baseline of `npm run bench:http`: the benchmarked routes, the same
 * statements over the same pool size, and nothing else (no logging, validation, metrics, lifecycle).
 * Prints `{"msg":"started","port":N}` once listening, like the server.
 */
const queries = new BaselineQueries();

@Controller('health')
class HealthController {
  @Get('live')
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<{ status: string }> {
    await queries.ready();
    return { status: 'ok' };
  }
}

@Controller('api/sessions')
class SessionsController {
  @Get()
  async list(): Promise<{ items: unknown[] }> {
    return { items: await queries.sessions() };
  }

  @Get(':id')
  async one(@Param('id') id: string): Promise<unknown> {
    const row = await queries.session(id);
    if (row === undefined) {
      throw new NotFoundException();
    }
    return row;
  }

  @Post(':id/messages')
  @HttpCode(201)
  async post(@Param('id') id: string, @Body() body: { content: string }): Promise<unknown> {
    const row = await queries.insertMessage(id, body.content);
    if (row === undefined) {
      throw new NotFoundException();
    }
    return row;
  }
}

@Module({ controllers: [HealthController, SessionsController] })
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(BareModule, { logger: ['error', 'warn'] });
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const address = (app.getHttpServer() as import('node:http').Server).address() as {
    port: number;
  };
  console.log(JSON.stringify({ msg: 'started', port: address.port }));
  process.once('SIGTERM', () => {
    void app.close().then(() => queries.pool.end());
  });
}

void main();
