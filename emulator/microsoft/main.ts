// CLI entry of the Microsoft 365 emulator (`npm run emulator`): starts the HTTPS server and prints how to use it.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { FaultConfigError, loadFaultFile } from './faults.js';
import { startEmulator, type RunningEmulator } from './server.js';

function int(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}.`);
    return n;
  };
}

interface CliOptions {
  port: number;
  host: string;
  seed: number;
  scale: number;
  autoConsent: boolean;
  json: boolean;
  allowHttpNotifications: boolean;
  dataDir: string;
  faults?: string;
  verbose: boolean;
  persist: boolean;
  now?: string;
}

function describe(emu: RunningEmulator): string {
  const host = new URL(emu.baseUrl).host;
  return [
    `Microsoft 365 emulator listening on ${emu.baseUrl}`,
    ``,
    `Trust its CA:       NODE_EXTRA_CA_CERTS=${emu.caFile}`,
    `Authority (MSAL):   ${emu.baseUrl}/common   knownAuthorities: ['${host}']`,
    `Graph base URL:     ${emu.baseUrl}/v1.0`,
    `Admin API:          ${emu.baseUrl}/_emulator/health`,
    ...(emu.stateFile ? [`State file:         ${emu.stateFile}${emu.restored ? ' (loaded)' : ' (new)'}`] : []),
    ``,
    `Demo app`,
    `  client id:        ${emu.app.clientId}`,
    `  client secret:    ${emu.app.clientSecret}`,
    ...emu.app.redirectUris.map((u) => `  redirect URI:     ${u}`),
    ``,
    `Seeded users (${emu.users.length}; passwords: GET /_emulator/users):`,
    ...emu.users.slice(0, 20).map((u) => `  ${u}`),
    ...(emu.users.length > 20 ? [`  ... and ${emu.users.length - 20} more`] : []),
  ].join('\n');
}

/**
 * Runs the emulator CLI with the given arguments (without the node and script paths) until SIGINT/SIGTERM.
 *
 * @example
 * await runEmulatorCli(['--port', '0', '--json']);
 */
export async function runEmulatorCli(args: string[]): Promise<void> {
  const program = new Command()
    .name('emulator')
    .description('Microsoft 365 emulator: Entra ID identity platform and Graph calendar API over HTTPS')
    .option('--port <n>', 'port (0 picks a free one)', int('port', 0, 65535), 8443)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--seed <n>', 'seed of the generated data and faults', int('seed', 0, 2 ** 31 - 1), 1)
    .option('--scale <n>', 'size of the seeded data set', int('scale', 1, 100_000), 1)
    .option('--auto-consent', 'authorize redirects straight back for a login_hint of a seeded user', false)
    .option('--json', 'print one JSON line (baseUrl, caFile, app, users) first', false)
    .option('--data-dir <dir>', 'folder for the CA and server certificate', './data/emulator')
    .option('--faults <file>', 'JSON file with fault settings (see README, "Fault injection")')
    .option('--verbose', 'log every request', false)
    .option('--persist', 'keep the state in <data-dir>/microsoft-state.json and load it on the next start', false)
    .option(
      '--allow-http-notifications',
      'accept http:// notification URLs on loopback hosts (local development; Graph requires https)',
      false,
    )
    .option('--now <instant>', 'start the emulator clock at this instant (ISO 8601, e.g. 2026-12-12T10:00:00Z)');
  program.parse(args, { from: 'user' });
  const o = program.opts<CliOptions>();
  let faults;
  try {
    faults = o.faults ? loadFaultFile(o.faults) : undefined;
  } catch (e) {
    const message = e instanceof FaultConfigError ? e.message : `cannot read ${o.faults}: ${(e as Error).message}`;
    process.stderr.write(`${message}\n`);
    process.exit(2);
  }
  const emu = await startEmulator({
    port: o.port,
    host: o.host,
    seed: o.seed,
    scale: o.scale,
    autoConsent: o.autoConsent,
    dataDir: o.dataDir,
    faults,
    quiet: !o.verbose,
    persist: o.persist,
    ...(o.allowHttpNotifications ? { subscriptions: { allowHttpNotifications: true } } : {}),
    ...(o.now !== undefined ? { now: o.now } : {}),
  });
  if (o.json) {
    const line = { baseUrl: emu.baseUrl, caFile: emu.caFile, app: emu.app, users: emu.users };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } else {
    process.stdout.write(`${describe(emu)}\n`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping the emulator\n`);
    emu.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(resolve(entry)).href) {
  runEmulatorCli(process.argv.slice(2)).catch((e: unknown) => {
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(
      `emulator failed to start: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}\n`,
    );
    process.exit(1);
  });
}
