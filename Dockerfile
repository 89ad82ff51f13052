# syntax=docker/dockerfile:1

# ---- build: install dependencies and generate the Prisma client ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# The image ships npm 10, which ignores package.json "allowScripts" (it would run Prisma's engine
# download scripts); use the npm this project is pinned to.
RUN npm install -g npm@11.19.1
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY at this stub; `prisma generate` needs it to exist.
COPY scripts/schema-engine-stub.sh ./scripts/
# postinstall runs `prisma generate` into src/generated/prisma.
RUN npm ci && npm prune --omit=dev

# ---- runtime ----
FROM node:20-bookworm-slim
ENV NODE_ENV=production
# The printable finance sheet (PDF) needs a CJK font.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-zenhei && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Code stays root-owned (read-only for the app); only the data directory belongs to `node`.
COPY --from=build /app/node_modules ./node_modules
COPY package.json tsconfig.json prisma.config.ts ./
COPY prisma ./prisma
COPY templates ./templates
COPY src ./src
# After src: replaces any src/generated copied from the build context with the fresh client.
COPY --from=build /app/src/generated ./src/generated
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# node directly rather than `npm start`, so SIGTERM reaches the app (graceful shutdown in src/server.ts).
CMD ["node", "--import", "tsx", "src/server.ts"]
