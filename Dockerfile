# calbridge: one image for the web role and the workers (docs/deploy.md). The build runs the same npm scripts as the
# package test in CI (test/e2e/package.test.ts: npm run build, then the web app with web/vite.config.ts).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm run build:web && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/web/dist ./web/dist
COPY --from=build /app/openapi.json ./
USER node
EXPOSE 3000
# The web role; workers run the same image with `worker` (and `migrate` once per release).
ENTRYPOINT ["node", "bin/calbridge.js"]
CMD ["serve", "--no-worker"]
