# syntax=docker/dockerfile:1

# Build: all dependencies, compile src/ to dist/.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime: production dependencies and the compiled code only.
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Only used by embedded PGlite (no DATABASE_URL, outside production); owned by the runtime user.
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 3000
CMD ["node", "dist/main.js"]
