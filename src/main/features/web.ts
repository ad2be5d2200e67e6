// Wires the web app: builds web/ with Vite's JS API when web/dist is missing or older than its sources (cached in
// web/dist), serves it, and offers the embedded demo a one-time login link written to <data dir>/demo-login-link.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../domain/errors.js';
import { chatRoutes } from '../../http/routes/chat.js';
import { webRoutes, WEB_PUBLIC_PATHS } from '../../http/routes/web.js';
import { ChatService, type ChatBackend } from '../../services/chat/chat-service.js';
import { RuleBasedIntentParser } from '../../services/chat/parser.js';
import type { Container } from '../container.js';
import { registerFeature } from '../server.js';
import { createSchedulingService } from './scheduling.js';

/** The web app's folder (sources) and where its build is cached. */
export const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../web');
export const DIST_DIR = join(WEB_DIR, 'dist');
const STAMP = '.calbridge-build';
const LOGIN_TTL_MS = 15 * 60_000;

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, e)));
  return newest;
}

/** True when web/dist holds a build at least as new as every source file. */
export function isBuildFresh(webDir = WEB_DIR): boolean {
  const stamp = join(webDir, 'dist', STAMP);
  if (!existsSync(stamp) || !existsSync(join(webDir, 'dist', 'index.html'))) return false;
  const sources = ['src', 'index.html', 'vite.config.ts'].map((p) => join(webDir, p)).filter((p) => existsSync(p));
  return statSync(stamp).mtimeMs >= Math.max(...sources.map(newestMtime));
}

/**
 * Builds the web app into a temporary folder and swaps it into web/dist (so concurrent servers never serve a
 * half-written build). Returns the dist folder.
 */
export async function buildWebApp(webDir = WEB_DIR): Promise<string> {
  const dist = join(webDir, 'dist');
  const tmp = join(webDir, `.dist-${process.pid}-${randomBytes(4).toString('hex')}`);
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new AppError(
      'internal',
      'The web app is not built and Vite is not installed: run `npm ci` (with dev dependencies).',
    );
  }
  try {
    await vite.build({
      configFile: join(webDir, 'vite.config.ts'),
      root: webDir,
      logLevel: 'warn',
      build: { outDir: tmp, emptyOutDir: true },
    });
    writeFileSync(join(tmp, STAMP), new Date().toISOString());
    const old = `${dist}.old-${process.pid}`;
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(tmp, dist);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (isBuildFresh(webDir)) return dist; // another process finished the same build first
    throw e;
  }
  return dist;
}

/** The built app, building it once per process when needed. */
export function webAppLoader(webDir = WEB_DIR): () => Promise<string> {
  let pending: Promise<string> | null = null;
  return () => {
    pending ??= (isBuildFresh(webDir) ? Promise.resolve(join(webDir, 'dist')) : buildWebApp(webDir)).catch(
      (e: unknown) => {
        pending = null;
        throw e;
      },
    );
    return pending;
  };
}

const sha = (s: string) => createHash('sha256').update(s).digest();

/** One-time demo login: a random token (15 minutes) whose link is written to a 0600 file, never to the log. */
export function demoLogin(dataDir: string, now: () => number = Date.now) {
  let current: { hash: Buffer; expires: number } | null = null;
  const keyFile = join(dataDir, 'demo-api-key');
  const linkFile = join(dataDir, 'demo-login-link');
  return {
    linkFile,
    /** Writes a fresh link for `baseUrl` when the embedded demo key exists; returns the file path, else null. */
    issue(baseUrl: string): string | null {
      if (!existsSync(keyFile)) return null;
      const token = randomBytes(24).toString('base64url');
      current = { hash: sha(token), expires: now() + LOGIN_TTL_MS };
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(linkFile, `${baseUrl.replace(/\/+$/, '')}/#login=${token}\n`, { mode: 0o600 });
      return linkFile;
    },
    async redeem(token: string): Promise<string | null> {
      const c = current;
      if (!c || now() > c.expires || !timingSafeEqual(c.hash, sha(token))) return null;
      current = null;
      rmSync(linkFile, { force: true });
      return (await readFile(keyFile, 'utf8')).trim() || null;
    },
  };
}

/** Chat over the real services: customers, the user's zone, templates, suggestions, proposals and synced events. */
export function chatBackend(container: Container, publicUrl: () => string): ChatBackend {
  const scheduling = createSchedulingService(container, { publicUrl });
  return {
    accounts: (actor) => container.customers.list(actor, { limit: 1000, offset: 0 }),
    timeZone: async (actor) => (await container.tenants.getUser(actor)).timeZone,
    templates: (actor) => scheduling.templates.list(actor),
    findTimes: (actor, r) => scheduling.findMeetingTimes(actor, r),
    scheduleForCustomer: (actor, id, input) => scheduling.scheduleForCustomer(actor, id, input),
    listEvents: async (actor, range) =>
      (await scheduling.listEvents(actor, { start: range.start, end: range.end, limit: 500, offset: 0 })).items,
  };
}

registerFeature(async ({ config, container, publicUrl }) => {
  const distDir = webAppLoader();
  // Warm the build in the background for real servers; tests (test mode) build on the first page request.
  if (!config.testMode) distDir().catch(() => undefined);
  const demo = demoLogin(config.dataDir);
  const embeddedDemo = !config.databaseUrl && !config.testMode;
  return {
    modules: [
      chatRoutes(new ChatService(new RuleBasedIntentParser(), chatBackend(container, publicUrl))),
      webRoutes({
        meetingBody: async (tenantId, userId, id) => {
          const row = await container.database.db
            .selectFrom('meetings')
            .select(['body', 'body_content_type'])
            .where('tenant_id', '=', tenantId)
            .where('user_id', '=', userId)
            .where('id', '=', id)
            .executeTakeFirst();
          return row ? { contentType: row.body_content_type, content: row.body } : null;
        },
        distDir,
        redeemDemoLogin: (t) => (embeddedDemo ? demo.redeem(t) : Promise.resolve(null)),
      }),
      async (app) => {
        if (!embeddedDemo) return;
        app.addHook('onListen', async () => {
          const addr = app.server.address();
          const url =
            config.publicBaseUrl ??
            (addr && typeof addr === 'object'
              ? `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`
              : null);
          const file = url ? demo.issue(url) : null;
          if (file) app.log.info(`Web app: open the one-time login link in ${file} (valid 15 minutes): cat ${file}`);
        });
      },
    ],
    publicPaths: WEB_PUBLIC_PATHS,
  };
});

/** Reads the current demo login link (tests and the CLI). */
export const readDemoLink = (dataDir: string): string | null => {
  const f = join(dataDir, 'demo-login-link');
  return existsSync(f) ? readFileSync(f, 'utf8').trim() : null;
};
