import express from 'express';
import type { IncomingMessage } from 'node:http';
import { clientAddress, type TrustProxy } from './client-address';

/** What express itself answers for req.ip with this `trust proxy` setting. */
function expressIp(setting: unknown, peer: string, forwardedFor: string | undefined): string {
  const app = express();
  app.set('trust proxy', setting);
  const req = Object.create(app.request) as IncomingMessage & { ip: string };
  Object.assign(req, {
    app,
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    socket: { remoteAddress: peer },
    connection: { remoteAddress: peer },
  });
  return req.ip;
}

function trustFn(setting: unknown): TrustProxy {
  const app = express();
  app.set('trust proxy', setting);
  return app.get('trust proxy fn') as TrustProxy;
}

describe('clientAddress', () => {
  const cases: Array<[unknown, string, string | undefined]> = [
    [false, '10.0.0.2', '203.0.113.7'],
    [true, '10.0.0.2', '203.0.113.7, 10.0.0.9'],
    [1, '10.0.0.2', '198.51.100.1, 203.0.113.7'],
    [2, '10.0.0.2', '198.51.100.1, 203.0.113.7'],
    [['loopback', '10.0.0.0/8'], '10.0.0.2', '198.51.100.1, 10.1.1.1'],
    [['loopback'], '127.0.0.1', undefined],
  ];

  it.each(cases)('should agree with express for trust proxy %p', (setting, peer, forwarded) => {
    expect(clientAddress(peer, forwarded, trustFn(setting))).toBe(
      expressIp(setting, peer, forwarded),
    );
  });

  it('should never believe X-Forwarded-For from an untrusted peer', () => {
    expect(clientAddress('198.51.100.1', '127.0.0.1', trustFn(false))).toBe('198.51.100.1');
  });
});
