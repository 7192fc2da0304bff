import { PATH_METADATA } from '@nestjs/common/constants';
import { type AppConfig, shutdownSection, toAppConfig } from '../../src/config/app-config';
import { loadEnv, packageVersion } from '../../src/config/load-env';
import { HealthController } from '../../src/health/health.controller';
import { worstCaseShutdownMs } from '../../src/lifecycle/shutdown-budget';
import { ShutdownStage } from '../../src/lifecycle/shutdown-steps';
import { checkShutdownBudget } from '../../src/lifecycle/startup/shutdown-budget-check';
import {
  type ComposeFile,
  composeAppServices,
  containerEnv,
  type Deployment,
  durationMs,
  haproxyDetectionMs,
  type PodDisruptionBudget,
  type Probe,
  readHaproxy,
  readRepoFile,
  readYaml,
  type Service,
} from '../support/deploy-manifests';

/**
 * The deployment files promise a shutdown that always ends by itself before the platform's
 * SIGKILL, probes that hit the app's real routes, and a drain delay longer than the load
 * balancer needs to notice. These tests recompute each promise from the files' own numbers with
 * the app's own config loader, so a wrong edit to any of them fails here.
 */
const SECRETS = {
  DATABASE_URL: 'postgres://renovation:secret@postgres:5432/renovation',
  GEMINI_API_KEY: 'a-stand-in-key',
  HEALTH_TOKEN: 'a-stand-in-health-token',
};
/** Slack for the kubelet/Compose, log flushing and a slow node, on top of the app's deadline. */
const PLATFORM_MARGIN_MS = 5000;
const CLEANUP_STAGES = Object.values(ShutdownStage).filter((stage) => typeof stage === 'number');

function healthRoute(method: 'live' | 'ready'): string {
  const controller = Reflect.getMetadata(PATH_METADATA, HealthController) as string;
  const handler = Reflect.getMetadata(PATH_METADATA, HealthController.prototype[method]) as string;
  return `/${controller}/${handler}`;
}

/** The configuration as the server's startup builds it, its shutdown budget check included. */
function loadConfig(env: Record<string, string>): AppConfig {
  const loaded = loadEnv(env);
  checkShutdownBudget(shutdownSection(loaded));
  if (loaded.DATABASE_URL === undefined) {
    throw new Error('the manifests must set DATABASE_URL');
  }
  return toAppConfig(loaded, packageVersion(), loaded.DATABASE_URL);
}

/** Every phase of the shutdown at its bound, with one cleanup step per stage. */
/**
 * The shutdown's worst case with the steps a deployed replica registers: one per stage, plus the
 * assistant's hand-back of its replies (AGENT_DRAIN_MS and one step) when it answers runs.
 */
function worstCaseMs(config: AppConfig): number {
  const { shutdown, agent } = config;
  const handBack = agent.runsEnabled ? [agent.drainMs + shutdown.stepTimeoutMs] : [];
  return worstCaseShutdownMs({
    ...shutdown,
    stepTimeoutsMs: [...handBack, ...CLEANUP_STAGES.map(() => shutdown.stepTimeoutMs)],
  });
}

describe('Kubernetes manifests (deploy/k8s)', () => {
  const deployment = readYaml<Deployment>('deploy/k8s/deployment.yaml');
  const service = readYaml<Service>('deploy/k8s/service.yaml');
  const pdb = readYaml<PodDisruptionBudget>('deploy/k8s/pdb.yaml');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  if (container === undefined) {
    throw new Error('deployment.yaml has no container');
  }
  const env = containerEnv(container, SECRETS);
  const config = loadConfig(env);

  it('should set every shutdown bound explicitly, and they should fit SHUTDOWN_TIMEOUT_MS', () => {
    for (const name of [
      'SHUTDOWN_DRAIN_DELAY_MS',
      'SHUTDOWN_LONG_LIVED_TIMEOUT_MS',
      'SHUTDOWN_REQUEST_TIMEOUT_MS',
      'SHUTDOWN_STEP_TIMEOUT_MS',
      'SHUTDOWN_TIMEOUT_MS',
    ]) {
      expect(env).toHaveProperty(name);
    }
    // loadConfig above already refused a budget that does not fit; this names the numbers.
    expect(worstCaseMs(config)).toBeLessThanOrEqual(config.shutdown.timeoutMs);
    expect(config.app.env).toBe('production');
  });

  it('should answer with Gemini, its key from a Secret and never a plain value', () => {
    const key = container.env?.find((variable) => variable.name === 'GEMINI_API_KEY');
    expect(key?.value).toBeUndefined();
    expect(key?.valueFrom?.secretKeyRef).toMatchObject({
      name: expect.any(String),
      key: 'api-key',
    });
    expect(key?.valueFrom?.secretKeyRef?.optional).not.toBe(true);
    expect(config.agent).toMatchObject({ provider: 'gemini', checkModelAtStartup: true });
    expect(config.agent.gemini.model).toBe(env.AGENT_MODEL);
  });

  it('should guard the status routes with a token from a Secret that must exist', () => {
    const token = container.env?.find((variable) => variable.name === 'HEALTH_TOKEN');
    expect(token?.value).toBeUndefined();
    expect(token?.valueFrom?.secretKeyRef).toMatchObject({
      name: expect.any(String),
      key: 'token',
    });
    expect(token?.valueFrom?.secretKeyRef?.optional).not.toBe(true);
    expect(config.health.token).toBe(SECRETS.HEALTH_TOKEN);
  });

  it('should give the app more time than its own shutdown deadline before the kubelet SIGKILLs', () => {
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(
      config.shutdown.timeoutMs + PLATFORM_MARGIN_MS,
    );
  });

  it("should keep idle connections open longer than a load balancer's idle timeout", () => {
    // AWS ALB and ingress-nginx close idle upstream connections after 60 s by default: the app
    // must not close first, or a request written at that instant is lost.
    expect(config.http.keepAliveTimeoutMs).toBeGreaterThan(60_000);
  });

  it('should keep serving long enough for endpoint removal to propagate', () => {
    // Endpoints leave kube-proxy and ingresses seconds after SIGTERM; 5 s is the app's own
    // default on Kubernetes, and the manifest must not go below it.
    expect(config.shutdown.drainDelayMs).toBeGreaterThanOrEqual(5000);
  });

  it('should probe the routes the app serves, on the port it listens on', () => {
    const portByName = new Map(
      (container.ports ?? []).map((port) => [port.name ?? '', port.containerPort]),
    );
    const probeTarget = (probe: Probe | undefined): { path?: string; port?: number } => {
      const port = probe?.httpGet?.port;
      return {
        path: probe?.httpGet?.path,
        port: typeof port === 'number' ? port : portByName.get(port ?? ''),
      };
    };
    expect(probeTarget(container.readinessProbe)).toEqual({
      path: healthRoute('ready'),
      port: config.app.port,
    });
    expect(probeTarget(container.livenessProbe)).toEqual({
      path: healthRoute('live'),
      port: config.app.port,
    });
    expect(probeTarget(container.startupProbe)).toEqual({
      path: healthRoute('live'),
      port: config.app.port,
    });
    expect(service.spec.ports.map((port) => portByName.get(port.targetPort))).toEqual([
      config.app.port,
    ]);
  });

  it('should not let the startup probe kill a pod that is still inside its own startup deadline', () => {
    const probe = container.startupProbe;
    const budgetMs = (probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3) * 1000;
    expect(budgetMs).toBeGreaterThanOrEqual(config.app.startupTimeoutMs);
  });

  it('should roll without ever going below the desired replicas, and never evict both', () => {
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
    const labels = deployment.spec.template.metadata.labels;
    expect(labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(labels).toMatchObject(service.spec.selector);
    expect(labels).toMatchObject(pdb.spec.selector.matchLabels);
    expect(pdb.spec.minAvailable).toBeGreaterThanOrEqual(1);
    expect(pdb.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
  });

  it('should run as a non-root user on a read-only root filesystem with resource bounds', () => {
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(pod.securityContext?.runAsUser).not.toBe(0);
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(container.resources?.requests).toHaveProperty('memory');
    expect(container.resources?.limits).toHaveProperty('memory');
  });
});

describe('Compose file and HAProxy (deploy/docker-compose.yml, deploy/haproxy.cfg)', () => {
  const compose = readYaml<ComposeFile>('deploy/docker-compose.yml');
  const apps = composeAppServices(compose);
  const haproxy = readHaproxy();

  it('should run two app replicas that wait for a healthy Postgres and may both migrate', () => {
    expect(apps.map(([name]) => name)).toHaveLength(2);
    for (const [, app] of apps) {
      expect(app.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' } });
      expect(app.environment?.DB_MIGRATIONS_RUN).toBe('true');
    }
    expect(compose.services.postgres?.healthcheck?.test.join(' ')).toContain('pg_isready');
  });

  it.each(apps)('%s: shutdown fits SHUTDOWN_TIMEOUT_MS, which fits stop_grace_period', (_, app) => {
    const config = loadConfig(app.environment ?? {});
    expect(worstCaseMs(config)).toBeLessThanOrEqual(config.shutdown.timeoutMs);
    expect(app.stop_signal ?? 'SIGTERM').toBe('SIGTERM');
    // Compose's default grace is 10 s: it must be set, and above the app's deadline.
    expect(durationMs(app.stop_grace_period ?? '10s')).toBeGreaterThanOrEqual(
      config.shutdown.timeoutMs + PLATFORM_MARGIN_MS,
    );
  });

  it.each(apps)('%s: the drain delay outlasts HAProxy noticing the 503', (_, app) => {
    const config = loadConfig(app.environment ?? {});
    // Twice the worst-case detection: checks are not perfectly periodic under load.
    expect(config.shutdown.drainDelayMs).toBeGreaterThanOrEqual(2 * haproxyDetectionMs(haproxy));
  });

  it.each(apps)('%s: HAProxy checks readiness on the port the app listens on', (_, app) => {
    const config = loadConfig(app.environment ?? {});
    expect(haproxy.httpCheck).toBe(`GET ${healthRoute('ready')}`);
    expect(haproxy.serverPorts).toEqual(apps.map(() => config.app.port));
    // SSE streams are plain responses: a heartbeat must pass before HAProxy's inactivity timeout.
    expect(config.gateway.sseHeartbeatMs).toBeGreaterThan(0);
    expect(config.gateway.sseHeartbeatMs).toBeLessThan(
      Math.min(haproxy.timeoutClient, haproxy.timeoutServer) / 2,
    );
  });

  it.each(apps)('%s: HAProxy closes idle connections to the app before the app does', (_, app) => {
    const config = loadConfig(app.environment ?? {});
    expect(config.http.keepAliveTimeoutMs).toBeGreaterThan(haproxy.timeoutServer);
    expect(config.http.keepAliveTimeoutMs).toBeGreaterThan(haproxy.timeoutClient);
  });

  it.each(apps)('%s: the Gemini key comes from the environment, never this file', (_, app) => {
    expect(app.environment?.GEMINI_API_KEY).toMatch(/^\$\{GEMINI_API_KEY:\?/);
    const config = loadConfig({
      ...app.environment,
      GEMINI_API_KEY: 'a-stand-in-key',
      AGENT_PROVIDER: 'gemini',
    });
    expect(config.agent.checkModelAtStartup).toBe(true);
  });

  it.each(apps)('%s: the health token comes from the environment, never this file', (_, app) => {
    expect(app.environment?.HEALTH_TOKEN).toMatch(/^\$\{HEALTH_TOKEN:\?/);
    const withoutToken = { ...app.environment };
    delete withoutToken.HEALTH_TOKEN;
    expect(() => loadConfig(withoutToken)).toThrow(/HEALTH_TOKEN: required/);
  });

  it('should bring a replica back only after more than one passing check', () => {
    expect(haproxy.rise).toBeGreaterThanOrEqual(2);
    expect(haproxy.fall).toBeGreaterThanOrEqual(2);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readRepoFile('Dockerfile');
  const config = loadConfig({
    NODE_ENV: 'production',
    ...SECRETS,
    AUTH_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
    AUTH_ISSUER: 'https://auth.example.com/',
    AUTH_AUDIENCE: 'renovation-api',
  });

  it('should start node directly (exec form), so SIGTERM reaches the app as PID 1', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const cmds = [...runtime.matchAll(/^CMD\s+(.*)$/gm)].map((match) => match[1]);
    expect(cmds).toHaveLength(1);
    expect(cmds[0]).toMatch(/^\[\s*"node",\s*"dist\/main\.js"\s*\]\s*$/);
    expect(dockerfile).not.toMatch(/^ENTRYPOINT/m);
    expect(dockerfile).toMatch(/^STOPSIGNAL SIGTERM$/m);
  });

  it('should have a development target that runs `nest start --watch` before the runtime stage', () => {
    const development = /^FROM build AS development$([\s\S]*?)^FROM /m.exec(dockerfile)?.[1] ?? '';
    expect(development).toMatch(/^ENV NODE_ENV=development$/m);
    // Development listens on loopback by default: a container must say otherwise.
    expect(development).toMatch(/^ENV HOST=0\.0\.0\.0$/m);
    expect(development).toMatch(/^CMD \["npx", "nest", "start", "--watch"\]$/m);
    // The runtime stays the default (last) target, and Compose asks for it by name.
    expect(dockerfile.lastIndexOf('\nFROM ')).toBeGreaterThan(dockerfile.indexOf('AS development'));
    const compose = readYaml<ComposeFile>('deploy/docker-compose.yml');
    for (const [, app] of composeAppServices(compose)) {
      expect(app.build?.target).toBe('runtime');
    }
  });

  it('should run the production build as a non-root user, exposing PORT, checking liveness', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^FROM node:20-bookworm-slim/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
    expect(config.app.host).toBe('0.0.0.0');
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/^USER (?!root\b|0\b)\S+$/m);
    expect(runtime).toMatch(new RegExp(`^EXPOSE ${config.app.port}$`, 'm'));
    expect(runtime).toMatch(/^HEALTHCHECK .*\\\n\s+CMD \["node", .*\/health\/live/m);
  });
});
