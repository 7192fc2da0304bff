import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { BareModule } from './bare-module';
import { serveBare } from './bare-nest';

/**
 * The same bare NestJS app on Fastify instead of express (`BARE_FASTIFY=1 npm run bench:http`):
 * what the HTTP platform alone is worth against the raw baselines. The server runs on express.
 */
void NestFactory.create(BareModule, new FastifyAdapter(), { logger: ['error', 'warn'] }).then(
  serveBare,
);
