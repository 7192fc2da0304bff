import type { INestApplication } from '@nestjs/common';
import { LiveSocket } from '../support/live-clients';
import { baseUrl, createTestApp } from '../support/test-app';

/**
 * Browsers do not apply CORS to a websocket upgrade: with CORS_ORIGINS set, the socket.io
 * handshake itself checks the Origin, so a foreign page cannot open a socket to the API.
 */
describe('socket.io handshake Origin with CORS_ORIGINS (e2e)', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await createTestApp({
      listen: true,
      env: { CORS_ORIGINS: 'https://app.example.com' },
    });
    base = baseUrl(app);
  });

  afterAll(async () => {
    await app.close();
  });

  it('should refuse a websocket from a foreign Origin', async () => {
    const refused = await LiveSocket.connect(base, { Origin: 'https://evil.example.com' }).then(
      (socket) => {
        socket.close();
        return undefined;
      },
      (error: unknown) => error as Error,
    );
    expect(refused).toBeInstanceOf(Error);
  });

  it('should accept one from a listed Origin, and one without Origin (not a browser)', async () => {
    const listed = await LiveSocket.connect(base, { Origin: 'https://app.example.com' });
    const bare = await LiveSocket.connect(base);
    expect(listed.socket.connected && bare.socket.connected).toBe(true);
    listed.close();
    bare.close();
  });
});
