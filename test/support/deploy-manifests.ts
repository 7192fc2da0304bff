import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CORE_SCHEMA, load, mergeTag } from 'js-yaml';

/**
 * Readers for the deployment files (Dockerfile, deploy/), so tests check the numbers the files
 * really carry. Only the fields the tests use are typed; everything is read as written.
 */
export const REPO_ROOT = resolve(__dirname, '../..');

export function readRepoFile(path: string): string {
  return readFileSync(resolve(REPO_ROOT, path), 'utf8');
}

/** Compose files use YAML merge keys (`<<: *app`), which js-yaml 5 enables only on request. */
export function readYaml<T>(path: string): T {
  return load(readRepoFile(path), { schema: CORE_SCHEMA.withTags(mergeTag) }) as T;
}

/** "500ms", "1s", "2m", "1h", "1m30s" (Compose and HAProxy durations); a bare number is ms. */
export function durationMs(text: string): number {
  const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed);
  }
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== trimmed) {
    throw new Error(`not a duration: ${JSON.stringify(text)}`);
  }
  return parts.reduce((sum, part) => sum + Number(part[1]) * (units[part[2] ?? ''] ?? NaN), 0);
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
}

export interface Container {
  name: string;
  image: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    runAsNonRoot?: boolean;
  };
}

export interface Deployment {
  kind: 'Deployment';
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    strategy: {
      type: string;
      rollingUpdate: { maxUnavailable: number | string; maxSurge: number | string };
    };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        terminationGracePeriodSeconds: number;
        securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
        containers: Container[];
      };
    };
  };
}

export interface Service {
  kind: 'Service';
  spec: { selector: Record<string, string>; ports: Array<{ port: number; targetPort: string }> };
}

export interface PodDisruptionBudget {
  kind: 'PodDisruptionBudget';
  spec: {
    minAvailable?: number;
    maxUnavailable?: number;
    selector: { matchLabels: Record<string, string> };
  };
}

export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; target?: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] };
  stop_signal?: string;
  stop_grace_period?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/**
 * The env the container would get, as the config loader sees it. Secrets are not in the manifest;
 * `secrets` stands in for them (a required secret with no stand-in fails the test).
 */
export function containerEnv(
  container: Container,
  secrets: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) {
      env[variable.name] = variable.value;
    } else if (variable.valueFrom?.secretKeyRef?.optional === true) {
      continue;
    } else {
      const stand = secrets[variable.name];
      if (stand === undefined) {
        throw new Error(`no stand-in for the secret variable ${variable.name}`);
      }
      env[variable.name] = stand;
    }
  }
  return env;
}

/** The app services of the compose file: those that build or run the app image. */
export function composeAppServices(compose: ComposeFile): Array<[string, ComposeService]> {
  return Object.entries(compose.services).filter(
    ([, service]) => service.build !== undefined || service.image?.startsWith('renovation-agent'),
  );
}

export interface HaproxyBackend {
  /** "GET /health/ready" from `option httpchk`. */
  httpCheck: string;
  inter: number;
  fastinter: number;
  fall: number;
  rise: number;
  timeoutCheck: number;
  timeoutClient: number;
  timeoutServer: number;
  /** Ports of the `server` lines. */
  serverPorts: number[];
}

/** The few HAProxy settings the tests reason about, read from the config text. */
export function readHaproxy(path = 'deploy/haproxy.cfg'): HaproxyBackend {
  const lines = readRepoFile(path)
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
  const find = (pattern: RegExp): RegExpMatchArray => {
    for (const line of lines) {
      const match = line.match(pattern);
      if (match) {
        return match;
      }
    }
    throw new Error(`${path}: no line matches ${String(pattern)}`);
  };
  const defaultServer = find(/^default-server (.*)$/)[1] ?? '';
  const option = (name: string): string => {
    const match = defaultServer.match(new RegExp(`(?:^| )${name} (\\S+)`));
    if (!match?.[1]) {
      throw new Error(`${path}: default-server has no ${name}`);
    }
    return match[1];
  };
  return {
    httpCheck: find(/^option httpchk (.*)$/)[1] ?? '',
    inter: durationMs(option('inter')),
    fastinter: durationMs(option('fastinter')),
    fall: Number(option('fall')),
    rise: Number(option('rise')),
    timeoutCheck: durationMs(find(/^timeout check (\S+)$/)[1] ?? ''),
    timeoutClient: durationMs(find(/^timeout client (\S+)$/)[1] ?? ''),
    timeoutServer: durationMs(find(/^timeout server (\S+)$/)[1] ?? ''),
    serverPorts: lines
      .filter((line) => line.startsWith('server '))
      .map((line) => Number(line.split(/\s+/)[2]?.split(':').pop())),
  };
}

/**
 * Worst case from a replica's first 503 to HAProxy marking it DOWN: up to one `inter` until the
 * next check, then `fall - 1` more checks at `fastinter`, the last of which may take `timeout check`.
 */
export function haproxyDetectionMs(backend: HaproxyBackend): number {
  return backend.inter + (backend.fall - 1) * backend.fastinter + backend.timeoutCheck;
}
