# syntax=docker/dockerfile:1
# Production image: `docker build -t renovation-agent .` (deploy/ has compose and Kubernetes files);
# `--target development` gives a watch-mode image for local work.

# --- build: dev dependencies and the TypeScript compiler, thrown away afterwards ---------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- development: `docker build --target development`, then run with the source mounted -------
# `nest start --watch` rebuilds and restarts on every change. It is for a laptop only: Nest's
# watcher does not pass SIGTERM's drain along the way the runtime's exec-form CMD does.
FROM build AS development
ENV NODE_ENV=development
# Outside a container development listens on 127.0.0.1 only; here the port must be reachable.
ENV HOST=0.0.0.0
EXPOSE 3000
CMD ["npx", "nest", "start", "--watch"]

# --- runtime (the default target: the last stage) ------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
ENV HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only. --omit=optional also leaves out the embedded Postgres binaries
# (@embedded-postgres/<platform>, ~60 MB, optional dependencies of embedded-postgres): the app
# loads embedded-postgres lazily and only when DATABASE_URL is unset, which NODE_ENV=production
# refuses at startup (DATABASE_URL is required there), so in this image it is never loaded.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The image's built-in unprivileged user (uid 1000). Nothing in /app is writable by it, and
# nothing needs to be: the app writes only to stdout, so the root filesystem can be read-only.
USER node
EXPOSE 3000
# SIGTERM starts the drain (readiness 503, drain delay, in-flight requests finish, database
# closed last). It must reach node itself: the exec form makes node PID 1, with no shell or
# `npm start` in between (npm and `sh -c` do not forward SIGTERM, so the app would be SIGKILLed
# at the grace period with its requests cut). Node as PID 1 has no default signal handlers, which
# is fine here: the app installs its own for SIGTERM, SIGINT and SIGQUIT.
STOPSIGNAL SIGTERM
# No curl in the slim image: node itself asks /health/live (liveness, no I/O, 200 while draining).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "require('http').get({host:'127.0.0.1',port:process.env.PORT||3000,path:'/health/live',timeout:2500},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1)).on('timeout',()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
