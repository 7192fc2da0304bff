import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyServerTimeouts } from '../../common/http/server-timeouts';
import type { AppConfig } from '../../config/app-config';

export class PortInUseError extends Error {
  constructor(port: number) {
    super(`port ${port} is already in use — stop the other process or set PORT`);
    this.name = 'PortInUseError';
  }
}

/**
 * Applies the HTTP server's timeouts (HTTP_*_TIMEOUT_MS), listens and returns the bound port; a
 * taken port becomes one sentence instead of a stack.
 */
export async function listen(app: INestApplication, port: number, host: string): Promise<number> {
  const server = app.getHttpServer() as Server;
  const config = app.get<ConfigService<AppConfig, true>>(ConfigService);
  applyServerTimeouts(server, config.getOrThrow('http', { infer: true }));
  try {
    await app.listen(port, host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(port);
    }
    throw error;
  }
  return (server.address() as AddressInfo).port;
}
