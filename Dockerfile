# syntax=docker/dockerfile:1
# Image of the notification service: built in stages on node:26-trixie-slim (Node 26, the active
# LTS line; package.json keeps "engines": ">=20.19", so the code still runs on Node 20.19+).
# The same image runs the service (default command) and the one-shot migration
# (`node dist/src/entrypoints/migrate.js`, the `migrate` service in docker-compose.yml).

# Production dependencies only.
FROM node:26-trixie-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Compile TypeScript with the dev dependencies.
FROM node:26-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime: compiled code + production node_modules, unprivileged user.
FROM node:26-trixie-slim AS runtime
ENV NODE_ENV=production \
    PORT=8001
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY templates ./templates
# The console's page (/console): static ES modules, served with the vendor modules in node_modules.
COPY console ./console
COPY package.json ./
USER node
EXPOSE 8001
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8001)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# exec form: node is PID 1 and receives SIGTERM for a graceful shutdown.
CMD ["node", "dist/src/entrypoints/main.js"]
