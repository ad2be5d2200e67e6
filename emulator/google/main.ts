// CLI entry of the Google Calendar emulator (`npx tsx emulator/google/main.ts`): starts the HTTPS server.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import type { GoogleFaultPatch } from './faults.js';
import { startGoogleEmulator, type RunningGoogleEmulator } from './server.js';

function int(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}.`);
    return n;
  };
}

function describe(emu: RunningGoogleEmulator): string {
  return [
    `Google Calendar emulator listening on ${emu.baseUrl}`,
    ``,
    `Trust its CA:       NODE_EXTRA_CA_CERTS=${emu.caFile}`,
    `OpenID discovery:   ${emu.baseUrl}/.well-known/openid-configuration`,
    `Calendar API root:  ${emu.baseUrl}/calendar/v3/`,
    `Admin API:          ${emu.baseUrl}/_emulator/health`,
    ...(emu.stateFile ? [`State file:         ${emu.stateFile}${emu.restored ? ' (loaded)' : ' (new)'}`] : []),
    ``,
    `Demo OAuth client`,
    `  client id:        ${emu.app.clientId}`,
    `  client secret:    ${emu.app.clientSecret}`,
    ...emu.app.redirectUris.map((u) => `  redirect URI:     ${u}`),
    ``,
    `Seeded users (${emu.users.length}):`,
    ...emu.users.map((u) => `  ${u}`),
  ].join('\n');
}

/** Runs the Google emulator CLI until SIGINT/SIGTERM. */
export async function runGoogleEmulatorCli(args: string[]): Promise<void> {
  const program = new Command()
    .name('google-emulator')
    .description('Google Calendar emulator: OAuth 2.0 / OpenID and Calendar API v3 over HTTPS')
    .option('--port <n>', 'port (0 picks a free one)', int('port', 0, 65535), 8444)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--seed <n>', 'seed of the generated data and faults', int('seed', 0, 2 ** 31 - 1), 1)
    .option('--auto-consent', 'authorize redirects straight back for a login_hint of a seeded user', false)
    .option('--json', 'print one JSON line (baseUrl, caFile, app, users) first', false)
    .option('--data-dir <dir>', 'folder for the CA and server certificate', './data/emulator')
    .option('--faults <file>', 'JSON file with fault settings')
    .option('--verbose', 'log every request', false)
    .option('--persist', 'keep the state in <data-dir>/google-state.json and load it on the next start', false)
    .option('--now <instant>', 'start the emulator clock at this instant (ISO 8601, e.g. 2026-12-12T10:00:00Z)')
    .option(
      '--allow-http-notifications',
      'accept http:// watch addresses on loopback hosts (Google requires https)',
      false,
    );
  program.parse(args, { from: 'user' });
  const o = program.opts<{
    port: number;
    host: string;
    seed: number;
    autoConsent: boolean;
    json: boolean;
    dataDir: string;
    faults?: string;
    verbose: boolean;
    persist: boolean;
    now?: string;
    allowHttpNotifications: boolean;
  }>();
  const faults = o.faults ? (JSON.parse(readFileSync(o.faults, 'utf8')) as GoogleFaultPatch) : undefined;
  const emu = await startGoogleEmulator({
    port: o.port,
    host: o.host,
    seed: o.seed,
    autoConsent: o.autoConsent,
    dataDir: o.dataDir,
    faults,
    quiet: !o.verbose,
    persist: o.persist,
    allowHttpNotifications: o.allowHttpNotifications,
    ...(o.now !== undefined ? { now: o.now } : {}),
  });
  process.stdout.write(
    o.json
      ? `${JSON.stringify({ baseUrl: emu.baseUrl, caFile: emu.caFile, app: emu.app, users: emu.users })}\n`
      : `${describe(emu)}\n`,
  );
  const stop = () => {
    emu.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(resolve(entry)).href) {
  runGoogleEmulatorCli(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`google emulator failed to start: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
