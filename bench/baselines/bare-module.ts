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
import { BaselineQueries } from './baseline-queries';

/**
 * The module of the bare NestJS baselines of `npm run bench:http` (bare-nest.ts on express,
 * bare-nest-fastify.ts on Fastify): the benchmarked routes, the same statements over the same pool
 * size, and nothing else (no logging, validation, metrics, lifecycle).
 */
export const queries = new BaselineQueries();

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
export class BareModule {}
