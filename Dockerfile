# One image for every service: the command picks the service (docker-compose.yml; infra/README.md).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json turbo.json tsconfig.base.json tsconfig.json ./
COPY packages packages
COPY services services
COPY db db
COPY scripts scripts
# npm ci installs exactly the lock file; the pages are built here, then only run-time packages are kept
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# production refuses the development defaults (passwordless superuser, guest:guest, Redis without password, insecure cookie)
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
RUN useradd --system --uid 10001 doitcrm && mkdir -p /var/lib/doitcrm/uploads && chown doitcrm /var/lib/doitcrm/uploads
USER doitcrm
# tsx runs the TypeScript sources directly; it is a run-time dependency of the image
CMD ["node", "--import", "tsx", "services/etl/src/start.ts"]
