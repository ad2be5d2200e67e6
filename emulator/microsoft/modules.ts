// Loads what other parts of the emulator contribute: the Graph seed and the route modules (picked up by file name).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createRng } from '../common/rng.js';
import type { GraphContext } from './graph/context.js';
import type { Directory } from './directory.js';
import type { MailboxStore } from './graph/store.js';

const here = dirname(fileURLToPath(import.meta.url));

export type SeedFn = (args: {
  directory: Directory;
  store: MailboxStore;
  seed: number;
  scale: number;
  clock: () => number;
}) => unknown;

export async function loadSeed(): Promise<SeedFn> {
  for (const file of ['seed.ts', 'seed.js']) {
    const path = join(here, 'graph', file);
    if (existsSync(path)) {
      const mod = (await import(pathToFileURL(path).href)) as { seedEmulator?: SeedFn };
      if (typeof mod.seedEmulator === 'function') return mod.seedEmulator;
    }
  }
  return minimalSeed;
}

/** A minimal directory (one tenant, three people, one room, no meetings): fast, and the fallback without a Graph seed. */
export const minimalSeed: SeedFn = ({ directory, store, seed }) => {
  const rng = createRng(seed);
  const tenant = directory.addTenant({ id: rng.uuid(), displayName: 'Contoso', domains: ['contoso.com'] });
  const people = [
    ['Adele', 'Vance'],
    ['Alex', 'Wilber'],
    ['Megan', 'Bowen'],
  ] as const;
  for (const [given, sur] of people) {
    const upn = `${given}.${sur}@contoso.com`.toLowerCase();
    const user = directory.addUser({
      id: rng.uuid(),
      tenantId: tenant.id,
      userPrincipalName: upn,
      mail: upn,
      displayName: `${given} ${sur}`,
      givenName: given,
      surname: sur,
      jobTitle: null,
      kind: 'user',
      mailbox: 'exchangeOnline',
      password: 'Passw0rd!',
    });
    store.ensureMailbox(user);
  }
  const room = directory.addUser({
    id: rng.uuid(),
    tenantId: tenant.id,
    userPrincipalName: 'room.one@contoso.com',
    mail: 'room.one@contoso.com',
    displayName: 'Room One',
    givenName: null,
    surname: null,
    jobTitle: null,
    kind: 'room',
    mailbox: 'exchangeOnline',
    password: 'Passw0rd!',
  });
  store.ensureMailbox(room);
};

/** Imports a module by path; a failure names the module (fail fast: a broken module means a broken emulator). */
async function importModule(path: string): Promise<{ default?: unknown }> {
  try {
    return (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (e) {
    throw new Error(`emulator module ${path} failed to load: ${(e as Error).message}`, { cause: e });
  }
}

export type RouteModule = { name: string; plugin: (app: FastifyInstance, ctx: GraphContext) => Promise<void> };

/** Emulator-only admin modules of the Graph surface: ./graph/*-admin-routes.ts, registered at the root. */
export async function loadAdminModules(): Promise<RouteModule[]> {
  const dir = join(here, 'graph');
  const out: RouteModule[] = [];
  for (const f of readdirSync(dir)
    .filter((x) => /-admin-routes\.(ts|js)$/.test(x) && !x.endsWith('.d.ts'))
    .sort()) {
    const mod = await importModule(join(dir, f));
    if (typeof mod.default === 'function') out.push({ name: f, plugin: mod.default as RouteModule['plugin'] });
  }
  return out;
}

/** Graph route modules: every non-test module in ./graph/routes, default export = Fastify plugin. */
export async function loadRouteModules(): Promise<
  Array<{ name: string; plugin: (app: FastifyInstance, ctx: GraphContext) => Promise<void> }>
> {
  const dir = join(here, 'graph', 'routes');
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.(test|spec)\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
  const out = [];
  for (const f of files) {
    const mod = await importModule(join(dir, f));
    if (typeof mod.default === 'function')
      out.push({ name: f, plugin: mod.default as (app: FastifyInstance, ctx: GraphContext) => Promise<void> });
  }
  return out;
}
