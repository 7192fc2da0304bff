import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { Server } from 'node:http';
import { API_PREFIX, createApiDocument } from '../../../src/app.setup';
import { type HttpExchange, recordHttpExchanges } from './http-exchanges';
import { ResponseContract } from './response-contract';

/** The answers of one app, waiting to be checked against its document. */
export class ResponseWatch {
  private pending: HttpExchange[] = [];

  constructor(
    private readonly contract: ResponseContract,
    server: Server,
  ) {
    recordHttpExchanges(server, (exchange) => this.pending.push(exchange));
  }

  /** Checks the exchanges recorded since the last call; returns what disagrees. */
  takeProblems(): string[] {
    const exchanges = this.pending;
    this.pending = [];
    return exchanges.flatMap((exchange) => this.contract.problems(exchange));
  }
}

const watches = new Set<ResponseWatch>();

/** `/api/<path>` of each controller in `modules`: routes that exist only in a suite. */
function controllerPaths(modules: ReadonlyArray<Type | DynamicModule>): string[] {
  return modules.flatMap((entry) => {
    const module = 'module' in entry ? entry.module : entry;
    const controllers = [
      ...((Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, module) as Type[] | undefined) ?? []),
      ...('module' in entry ? (entry.controllers ?? []) : []),
    ];
    return controllers.map((controller) => {
      const path = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '').replace(/^\//, '');
      return `/${API_PREFIX}/${path}`;
    });
  });
}

/**
 * Starts checking every HTTP answer of `app` (set up by setupApp) against the OpenAPI document
 * built from that very app; the e2e setup file (check-responses.setup.ts) reports the
 * disagreements after each test. `testOnlyModules`: modules a suite adds to provoke errors; their
 * routes are not in the contract, but their errors must still be the envelope.
 */
export function watchResponses(
  app: INestApplication,
  testOnlyModules: ReadonlyArray<Type | DynamicModule> = [],
): ResponseWatch {
  const contract = new ResponseContract(createApiDocument(app), controllerPaths(testOnlyModules));
  const watch = new ResponseWatch(contract, app.getHttpServer() as Server);
  watches.add(watch);
  return watch;
}

/** What every watched app answered since the last call that disagrees with its document. */
export function takeResponseProblems(): string[] {
  return [...watches].flatMap((watch) => watch.takeProblems());
}
