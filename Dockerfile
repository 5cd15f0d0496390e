# syntax=docker/dockerfile:1

# Build: all dependencies, compile src/ to dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
# swagger-ui-dist pulls in @scarf/scarf, whose install script reports downloads: not from here.
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime: production dependencies and the compiled code only, as the unprivileged `node` user.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    SCARF_ANALYTICS=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Only used by embedded PGlite (no DATABASE_URL, outside production); owned by the runtime user.
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 3000
# The slim image has no curl: Node's fetch asks the readiness endpoint (database included).
# The start period covers the migrations, which the service applies before it listens.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node runs as PID 1 and handles SIGTERM itself (graceful shutdown); no npm wrapper in between.
CMD ["node", "--max-semi-space-size=64", "--initial-old-space-size=128", "dist/main.js"]
