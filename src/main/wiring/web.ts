// Wires the web app: serves web/dist and the chat; the dev wiring adds the Vite build and the demo's one-time login.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../domain/errors.js';
import { chatRoutes } from '../../http/routes/chat.js';
import { webRoutes, WEB_PUBLIC_PATHS } from '../../http/routes/web.js';
import type { Clock } from '../../ports/clock.js';
import type { ChatService, ChatBackend } from '../../services/chat/chat-service.js';
import { PgChatHistoryStore } from '../../stores/chat-history-store.js';
import type { Config } from '../../config/config.js';
import type { RouteModule } from '../../http/app-deps.js';
import type { SchedulingService } from '../../services/scheduling/scheduling-service.js';
import type { Container } from '../container.js';

/**
 * The package's root: the nearest folder above this file with a package.json naming a package (sources, dist/ and the
 * development start's transpiled copy in node_modules/.cache, whose package.json names none, alike).
 */
function packageRoot(from: string): string {
  const named = (dir: string) => {
    try {
      return (
        typeof (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === 'string'
      );
    } catch {
      return false;
    }
  };
  let dir = from;
  while (!named(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The web app's folder (sources) and where its build is cached. */
export const WEB_DIR = join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'web');
export const DIST_DIR = join(WEB_DIR, 'dist');
export const STAMP = '.calbridge-build';

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
  // The app bundles calbridge's own REST client (../src/client and the Retry-After parser it imports) as well.
  const sources = ['src', 'index.html', 'vite.config.ts', '../src/client', '../src/domain/retry-after.ts']
    .map((p) => join(webDir, p))
    .filter((p) => existsSync(p));
  return statSync(stamp).mtimeMs >= Math.max(...sources.map(newestMtime));
}

/**
 * The built app's folder. In production web/dist must exist (built by `npm run build:web`, as the package ships it);
 * in development `build` (the dev wiring's Vite build) refreshes it first when it is older than its sources.
 */
export function webAppLoader(build?: () => Promise<string>, webDir = WEB_DIR): () => Promise<string> {
  let pending: Promise<string> | null = null;
  return () => {
    pending ??= (
      isBuildFresh(webDir) || (!build && existsSync(join(webDir, 'dist', 'index.html')))
        ? Promise.resolve(join(webDir, 'dist'))
        : build
          ? build()
          : Promise.reject(new AppError('internal', 'The web app is not built: run `npm run build:web`.'))
    ).catch((e: unknown) => {
      pending = null;
      throw e;
    });
    return pending;
  };
}

/** Chat over the real services: customers, the user's zone, templates, suggestions, proposals and synced events. */
export function chatBackend(container: Container, scheduling: SchedulingService): ChatBackend {
  return {
    accounts: (actor) => container.customers.list(actor, { limit: 1000, offset: 0 }),
    timeZone: async (actor) => (await container.tenants.getUser(actor)).timeZone,
    templates: (actor) => scheduling.templates.list(actor),
    findTimes: (actor, r) => scheduling.findMeetingTimes(actor, r),
    scheduleForCustomer: (actor, id, input) => scheduling.scheduleForCustomer(actor, id, input),
    listEvents: async (actor, range) =>
      (await scheduling.listEvents(actor, { start: range.start, end: range.end, limit: 500, offset: 0 })).items.map(
        (m) => ({ ...m, organizer: m.organizer?.email ?? null }),
      ),
    userEmail: async (actor) => (await container.tenants.getUser(actor)).email,
    pendingProposals: (actor) =>
      scheduling.listProposals(actor, { status: 'pending', mine: true, limit: 200, offset: 0 }),
    proposeCancel: (actor, id) => scheduling.proposeChange(actor, id, 'delete'),
    proposeReschedule: (actor, id, times) => scheduling.proposeChange(actor, id, 'update', times),
  };
}

/** The demo's one-time web login (dev wiring only). */
export interface DemoLogin {
  redeem(token: string): Promise<string | null>;
  /** Writes a fresh link for the server's URL; returns the file it is in, or null. */
  issue(baseUrl: string): string | null;
}

/**
 * The chat service, loaded on its first use: its date parsing (chrono-node, some 270 modules) is otherwise the largest
 * thing a start loads and runs for nothing until someone chats (issue 20).
 */
function lazyChat(container: Container, scheduling: SchedulingService, clock: Clock): ChatService {
  let made: Promise<ChatService> | null = null;
  const chat = () =>
    (made ??= Promise.all([
      import('../../services/chat/chat-service.js'),
      import('../../services/chat/parser.js'),
    ]).then(
      ([{ ChatService }, { RuleBasedIntentParser }]) =>
        new ChatService(
          new RuleBasedIntentParser(),
          chatBackend(container, scheduling),
          () => clock.now(),
          new PgChatHistoryStore(container.database.db),
        ),
    )).catch((e: unknown) => {
      made = null;
      throw e;
    });
  const lazy: Pick<ChatService, 'handle' | 'history' | 'clearHistory'> = {
    handle: async (actor, req) => (await chat()).handle(actor, req),
    history: async (actor, limit) => (await chat()).history(actor, limit),
    clearHistory: async (actor) => (await chat()).clearHistory(actor),
  };
  return lazy as ChatService;
}

/** The web app's routes and chat. */
export function webModules(o: {
  container: Container;
  config: Config;
  /** Chat reads "tomorrow", "every Tuesday" and "until March 1" from this clock's now. */
  clock: Clock;
  scheduling: SchedulingService;
  distDir: () => Promise<string>;
  demo: DemoLogin | null;
}): { modules: RouteModule[]; publicPaths: RegExp[] } {
  const { container, config, demo } = o;
  return {
    modules: [
      chatRoutes(lazyChat(container, o.scheduling, o.clock)),
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
        distDir: o.distDir,
        redeemDemoLogin: (t) => (demo ? demo.redeem(t) : Promise.resolve(null)),
      }),
      async (app) => {
        if (!demo) return;
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
}
