// The demo (issue 17): `npm start`'s development wiring prints a sign-in link; it leads to the bundled emulator's login
// page listing the demo people; Megan signs in there and is the demo tenant's approver (a second person to approve a
// meeting with a customer), Adele its admin; the one-time demo login link is still written. The runtime is built as
// `calbridge serve` builds it for the demo (createDevWiring: both emulators in-process, PGlite in a data folder).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createDevWiring, readDemoLink } from '../../src/main/dev/index.js';
import { createRuntime, type Runtime } from '../../src/main/runtime.js';
import { consentThroughPage } from '../journey/support.js';

let dir = '';
let rt: Runtime;
let url = '';
let logged = '';
let agent: Agent;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cb-demo-'));
  const config = loadConfig({ CALBRIDGE_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' });
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => (logged += c.toString('utf8')));
  rt = await createRuntime(config, { dev: await createDevWiring(config), logStream: stream });
  url = await rt.listen();
  agent = new Agent({ connect: { ca: readFileSync(rt.dev!.emulators.microsoft!.caFile, 'utf8') } });
}, 180_000);
afterAll(async () => {
  await rt?.close();
  await agent?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('prints a sign-in link to the emulator login page with the demo people; Megan signs in as the approver', async () => {
  await expect.poll(() => /Sign in: (\S+)/.exec(logged)?.[1], { timeout: 10_000 }).toBeTruthy();
  const line = /Sign in: [^"]*/.exec(logged)![0];
  expect(line).toContain('megan.bowen@contoso.com');
  expect(line).toContain('adele.vance@contoso.com');
  const link = /Sign in: (\S+)/.exec(logged)![1]!;
  expect(link).toBe(`${url}/api/auth/signin/microsoft`);
  // the one-time demo login link is still written
  expect(readDemoLink(dir)).toMatch(/#login=/);

  const start = await fetch(link, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const flowCookie = start.headers
    .getSetCookie()
    .find((c) => c.startsWith('cb_signin='))!
    .split(';')[0]!;
  const authorize = start.headers.get('location')!;
  expect(authorize.startsWith(rt.dev!.emulators.microsoft!.baseUrl)).toBe(true);
  const page = await (await undiciFetch(authorize, { dispatcher: agent })).text();
  expect(page).toContain('adele.vance@contoso.com');
  expect(page).toContain('megan.bowen@contoso.com');

  const back = await consentThroughPage(
    agent,
    authorize,
    { login: 'megan.bowen@contoso.com', password: 'Passw0rd!', action: 'accept' },
    `${url}/api/auth/callback/microsoft`,
  );
  const done = await fetch(back, { redirect: 'manual', headers: { cookie: flowCookie } });
  expect(done.status).toBe(302);
  expect(done.headers.get('location')).toBe('/app');
  const session = done.headers
    .getSetCookie()
    .find((c) => c.startsWith('cb_session='))!
    .split(';')[0]!;
  const who = (await (await fetch(`${url}/api/auth/session`, { headers: { cookie: session } })).json()) as {
    role: string;
    tenantId: string;
  };
  expect(who.role).toBe('approver');
  const adele = await rt.container.tenantStore.findUserByEmail(who.tenantId, 'adele.vance@contoso.com');
  expect(adele?.role).toBe('admin');
}, 120_000);
