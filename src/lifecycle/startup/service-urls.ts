import { API_PREFIX, DOCS_PATH } from '../../app.setup';
import type { AppConfig } from '../../config/app-config';

/** The addresses printed in the "started" line; a wildcard host is shown as loopback. */
export function serviceUrls(config: AppConfig, port: number): Record<string, string> {
  const host =
    config.app.host === '0.0.0.0' || config.app.host === '::' ? '127.0.0.1' : config.app.host;
  const base = `http://${host}:${port}`;
  return {
    api: `${base}/${API_PREFIX}`,
    ...(config.docs.enabled ? { docs: `${base}/${DOCS_PATH}` } : {}),
    health: `${base}/health/ready`,
    socketIo: `${base}/socket.io`,
  };
}
