// Development-only wiring, never loaded by a production start: the bundled Microsoft and Google emulators (state kept
// in the data dir), the web app's Vite build on first start, the demo tenant and its one-time web login link.
import { spawn } from 'node:child_process';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config/config.js';
import { AppError } from '../../domain/errors.js';
import { startGoogleEmulator } from '../../../emulator/google/server.js';
import { startEmulator } from '../../../emulator/microsoft/server.js';
import type { Container } from '../container.js';
import type { DevWiring } from '../runtime.js';
import { isBuildFresh, STAMP, WEB_DIR, type DemoLogin } from '../wiring/web.js';

const LOGIN_TTL_MS = 15 * 60_000;

/**
 * Builds the web app into a temporary folder and swaps it into web/dist (so concurrent servers never serve a
 * half-written build). Returns the dist folder.
 */
export async function buildWebApp(webDir = WEB_DIR): Promise<string> {
  const dist = join(webDir, 'dist');
  removeAbandonedBuilds(webDir);
  const tmp = join(webDir, `.dist-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await viteBuildInChild(webDir, {
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

/**
 * Removes the temporary build folders (`.dist-<pid>-…`, `dist.old-<pid>`) of servers that were killed while building:
 * a folder whose process is gone is never finished or swapped in by anyone.
 */
export function removeAbandonedBuilds(webDir: string): void {
  let names: string[];
  try {
    names = readdirSync(webDir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^(?:\.dist-|dist\.old-)(\d+)(?:-|$)/.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    rmSync(join(webDir, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs Vite's build in a child Node process: its memory (several hundred MB at its peak) is given back when it ends,
 * where a build in the server's own process left the server's resident memory near 1 GB after a first start (issue 20).
 */
function viteBuildInChild(webDir: string, options: Record<string, unknown>): Promise<void> {
  // 'vite' is resolved from the web app's folder (the child's working directory), as the build resolves its plugins.
  const script = `const { build } = await import('vite'); await build(JSON.parse(process.argv[1]));`;
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(options)], {
      cwd: webDir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) return resolve();
      if (/Cannot find package 'vite'/.test(err))
        return reject(
          new AppError(
            'internal',
            'The web app is not built and Vite is not installed: run `npm ci` (with dev dependencies).',
          ),
        );
      reject(new Error(`vite build failed (${signal ?? code}): ${err.trim()}`));
    });
  });
}

const sha = (s: string) => createHash('sha256').update(s).digest();

/** One-time demo login: a random token (15 minutes) whose link is written to a 0600 file, never to the log. */
export function demoLogin(dataDir: string, now: () => number = Date.now): DemoLogin & { linkFile: string } {
  let current: { hash: Buffer; expires: number } | null = null;
  const keyFile = join(dataDir, 'demo-api-key');
  const linkFile = join(dataDir, 'demo-login-link');
  return {
    linkFile,
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

/** Reads the current demo login link (tests and the CLI). */
export const readDemoLink = (dataDir: string): string | null => {
  const f = join(dataDir, 'demo-login-link');
  return existsSync(f) ? readFileSync(f, 'utf8').trim() : null;
};

/**
 * Creates the demo tenant and user on the first embedded start and writes the user's API key to
 * `<dataDir>/demo-api-key` (mode 0600).
 */
export async function ensureDemoTenant(container: Container, log: (msg: string) => void): Promise<void> {
  const { config } = container;
  const keyPath = join(config.dataDir, 'demo-api-key');
  if (config.databaseUrl || existsSync(keyPath)) return;
  const tenant = await container.tenants.createTenant({
    name: 'Contoso (demo)',
    calendarProvider: 'MICROSOFT',
    settings: { ownDomains: ['contoso.com'], onlineMeetingByDefault: true, allowSelfApprovalInternal: true },
  });
  const { apiKey } = await container.tenants.createApiKey(tenant.id, 'adele.vance@contoso.com');
  const actor = await container.tenants.authenticate(`Bearer ${apiKey}`);
  await container.customers.create(actor, {
    name: 'Acme Corp',
    domains: ['acmecorp.com'],
    subjectPatterns: ['Acme'],
    // People of the bundled emulator's customer organisations, so the demo can schedule with them.
    stakeholders: [
      { email: 'wile.coyote@acmecorp.com', name: 'Wile E. Coyote', role: 'VP Operations' },
      { email: 'road.runner@acmecorp.com', name: 'Road Runner', role: 'CEO' },
    ],
  });
  await container.customers.create(actor, {
    name: 'Globex',
    domains: ['globex.com'],
    subjectPatterns: ['Globex'],
    stakeholders: [{ email: 'hank.scorpio@globex.com', name: 'Hank Scorpio', role: 'CEO' }],
  });
  await container.customers.create(actor, {
    name: 'Initech',
    domains: ['initech.com'],
    subjectPatterns: ['Initech'],
    stakeholders: [{ email: 'bill.lumbergh@initech.com', name: 'Bill Lumbergh', role: 'VP Engineering' }],
  });
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(keyPath, apiKey + '\n', { mode: 0o600 });
  chmodSync(keyPath, 0o600);
  log(
    `Demo tenant created. Its API key is in ${keyPath} (mode 0600): curl -H "Authorization: Bearer $(cat ${keyPath})" …/api/me`,
  );
}

/** The demo's people besides Adele (the tenant's admin): Megan approves other people's meetings with customers. */
export const DEMO_APPROVER = 'megan.bowen@contoso.com';
/** The bundled emulators' people sign in with this password on the Microsoft login page. */
const DEMO_PASSWORD = 'Passw0rd!';

/**
 * Lets the bundled emulators' people sign in to the demo tenant ("Sign in with Microsoft" / "Sign in with Google"): its
 * allow-list holds the Microsoft emulator's tenant id and the Google emulator's domain, and Megan is there as an
 * approver, so a meeting with a customer one person proposes can be approved by another. Run on every start (a demo
 * data folder from before sign-in existed gets it too); changes nothing when all is in place.
 */
export async function ensureDemoSignIn(
  container: Container,
  o: { microsoftTenantId: string | null; googleDomain: string | null },
): Promise<void> {
  const keyPath = join(container.config.dataDir, 'demo-api-key');
  if (container.config.databaseUrl || !existsSync(keyPath)) return;
  let actor;
  try {
    actor = await container.tenants.authenticate(`Bearer ${readFileSync(keyPath, 'utf8').trim()}`);
  } catch {
    return;
  }
  const tenant = await container.tenants.getTenant(actor.tenantId);
  const want = {
    microsoftTenantIds: o.microsoftTenantId ? [o.microsoftTenantId] : [],
    googleDomains: o.googleDomain ? [o.googleDomain] : [],
  };
  const have = tenant.settings.signIn ?? {};
  const missing =
    want.microsoftTenantIds.some((t) => !(have.microsoftTenantIds ?? []).includes(t)) ||
    want.googleDomains.some((d) => !(have.googleDomains ?? []).includes(d));
  if (missing)
    await container.tenants.updateSettings(actor, {
      signIn: {
        microsoftTenantIds: [...new Set([...(have.microsoftTenantIds ?? []), ...want.microsoftTenantIds])],
        googleDomains: [...new Set([...(have.googleDomains ?? []), ...want.googleDomains])],
      },
    });
  await container.tenants.ensureUser(tenant.id, DEMO_APPROVER, { role: 'approver', displayName: 'Megan Bowen' });
}

/** The log line of `npm start` with the sign-in links and the demo people. */
export function signInHint(baseUrl: string, o: { microsoft: boolean; google: boolean }): string {
  const base = baseUrl.replace(/\/+$/, '');
  const links = [
    ...(o.microsoft ? [`${base}/api/auth/signin/microsoft`] : []),
    ...(o.google ? [`${base}/api/auth/signin/google`] : []),
  ];
  return `Sign in: ${links.join(' or ')} (the emulator's login page lists the demo people: adele.vance@contoso.com is the admin, ${DEMO_APPROVER} the approver; Microsoft password ${DEMO_PASSWORD}; add ?connect=1 to also connect the calendar with the same consent)`;
}

const PORTS_FILE = 'ports.json';

function savedPorts(dataDir: string): { microsoft: number; google: number } {
  try {
    const p = JSON.parse(readFileSync(join(dataDir, PORTS_FILE), 'utf8')) as { microsoft?: unknown; google?: unknown };
    const port = (v: unknown) =>
      Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536 ? (v as number) : 0;
    return { microsoft: port(p.microsoft), google: port(p.google) };
  } catch {
    return { microsoft: 0, google: 0 };
  }
}

function savePorts(dataDir: string, ports: { microsoft: number; google: number }): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, PORTS_FILE), JSON.stringify(ports) + '\n');
}

/** Starts on the port of the previous run when it is still free, else on any free port. */
async function onSavedPort<T>(port: number, start: (port: number) => Promise<T>): Promise<T> {
  if (port === 0) return start(0);
  try {
    return await start(port);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    return start(0);
  }
}

/**
 * The development wiring of `npm start`: both bundled emulators in this process (one data dir, so one CA, and their
 * state persisted there), the Vite build of the web app, the demo tenant and its login link.
 */
export async function createDevWiring(config: Config): Promise<DevWiring> {
  const dataDir = join(config.dataDir, 'emulator');
  const wantMicrosoft = config.startEmulator && config.microsoft.clientId === null;
  const wantGoogle = config.startEmulator && config.google.clientId === null;
  // State (apps, grants, consents, mailboxes, subscriptions) is kept in the data dir, so a restarted `npm start`
  // finds its connected mailboxes working. calbridge runs on plain http on loopback here: the emulator's explicit
  // loopback mode accepts its http notification URL (Graph itself, and the emulator otherwise, require https).
  // The ports are kept too: tokens and the connection's cached account name the emulator's host and port.
  const ports = savedPorts(dataDir);
  const ms = wantMicrosoft
    ? await onSavedPort(config.emulatorPort || ports.microsoft, (port) =>
        startEmulator({
          port,
          dataDir,
          autoConsent: false,
          quiet: true,
          persist: true,
          subscriptions: { allowHttpNotifications: true },
        }),
      )
    : null;
  const google = wantGoogle
    ? await onSavedPort(ports.google, (port) =>
        startGoogleEmulator({ port, dataDir, quiet: true, persist: true, allowHttpNotifications: true }),
      )
    : null;
  savePorts(dataDir, { microsoft: ms?.port ?? ports.microsoft, google: google?.port ?? ports.google });
  const oneTime = config.databaseUrl ? null : demoLogin(config.dataDir);
  let log: ((msg: string) => void) | null = null;
  // The sign-in link is printed with the one-time link, once the server's address is known.
  const demo: DemoLogin | null = oneTime
    ? {
        redeem: (t) => oneTime.redeem(t),
        issue: (url) => {
          const file = oneTime.issue(url);
          if (ms || google) log?.(signInHint(url, { microsoft: ms !== null, google: google !== null }));
          return file;
        },
      }
    : null;
  // One build at a time: the first page asked for while the warm-up builds waits for the same build.
  let building: Promise<string> | null = null;
  const webBuild = () =>
    (building ??= buildWebApp().finally(() => {
      building = null;
    }));
  const microsoftTenantId = ms
    ? ([...ms.directory.tenants.values()].find((t) => t.domains.includes('contoso.com'))?.id ?? null)
    : null;
  return {
    emulators: {
      microsoft: ms ? { baseUrl: ms.baseUrl, caFile: ms.caFile } : null,
      google,
    },
    buildWeb: webBuild,
    demo,
    onStarted: async (container, logLine) => {
      log = logLine;
      await ensureDemoTenant(container, logLine);
      await ensureDemoSignIn(container, { microsoftTenantId, googleDomain: google ? 'contoso.com' : null });
      if (ms) logLine(`Microsoft 365 emulator at ${ms.baseUrl} (CA: ${ms.caFile})`);
      if (google) logLine(`Google Calendar emulator at ${google.baseUrl}`);
    },
    // The web app's build, once the service answers (never on the start path; the first page is usually asked for
    // after it finished, else that request waits for it).
    afterStart: (logLine) => {
      if (!isBuildFresh()) webBuild().catch((e: unknown) => logLine(`web app build failed: ${String(e)}`));
    },
    close: async () => {
      await google?.close();
      await ms?.close();
    },
  };
}
