import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class PortInUseError extends Error {
  constructor(port: number) {
    super(`port ${port} is already in use — stop the other process or set PORT`);
    this.name = 'PortInUseError';
  }
}

/** Listens and returns the bound port; a taken port becomes one sentence instead of a stack. */
export async function listen(app: INestApplication, port: number, host: string): Promise<number> {
  try {
    await app.listen(port, host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(port);
    }
    throw error;
  }
  return ((app.getHttpServer() as Server).address() as AddressInfo).port;
}
