# syntax=docker/dockerfile:1
# todochat's server image. The runtime stage is the production install that
# tests/package/package.test.ts performs step by step (it reads this file):
# package.json and the lock, npm ci --omit=dev, the build, bin/ and web/.

# Build: every dependency, then `npm ci` runs `prepare`, which compiles src/ to dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund

# Runtime: production dependencies only, plain node, no TypeScript, not root.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    TODOCHAT_DATA_DIR=/data/db
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY web ./web
COPY tsconfig.json ./
# /data holds the embedded database when DATABASE_URL is not set.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/todochat.js", "serve"]
