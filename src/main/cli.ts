// calbridge command line: serve | migrate | rotate-key | create-tenant | create-api-key | emulator (exit 0 ok, 2 usage, 1 failure).
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, loadConfig } from '../config/config.js';
import { AppError } from '../domain/errors.js';
// Each command's module is imported when the command runs: `serve` starts its slow work (the embedded database's
// first initdb) before the service's modules load, and `--help` or a usage error loads none of them (issue 20).
type Run = (...args: never[]) => Promise<unknown>;
/** The function `name` of a module imported on its first call. */
function onCall<M, K extends keyof M>(load: () => Promise<M>, name: K): M[K] {
  return (async (...args: never[]) => ((await load())[name] as Run)(...args)) as M[K];
}
const runEmulatorCommand = onCall(() => import('../cli/emulator.js'), 'runEmulatorCommand');
const runMigrate = onCall(() => import('../cli/migrate.js'), 'runMigrate');
const runRotateKey = onCall(() => import('../cli/rotate-key.js'), 'runRotateKey');
const runCreateTenant = onCall(() => import('../cli/tenants.js'), 'runCreateTenant');
const runCreateApiKey = onCall(() => import('../cli/tenants.js'), 'runCreateApiKey');
const runExport = onCall(() => import('../cli/backup.js'), 'runExport');
const runImport = onCall(() => import('../cli/backup.js'), 'runImport');
const runServe = onCall(() => import('../cli/serve.js'), 'runServe');
const runSync = onCall(() => import('../cli/sync.js'), 'runSync');
const runWorker = onCall(() => import('../cli/worker.js'), 'runWorker');

import { makeOut } from '../cli/out.js';
export type { Out } from '../cli/out.js';

export function buildProgram(): Command {
  const program = new Command('calbridge')
    .description('Outlook / Microsoft 365 and Google calendars for SaaS platforms')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');
  const json = new Option('--json', 'print one JSON object');

  program
    .command('serve')
    .description('run the HTTP service; with --worker (the default of the embedded setup) also every background job')
    .option('--worker', 'run every background job in this process too (default: CALBRIDGE_EMBEDDED_WORKER, true)')
    .option('--no-worker', 'HTTP only: background jobs run in `calbridge worker` processes (scale-out)')
    .addOption(json)
    .action(async (o: { worker?: boolean; json?: boolean }) => {
      await runServe(loadConfig(), { worker: o.worker }, makeOut(!!o.json));
    });
  program
    .command('migrate')
    .description('apply pending database migrations')
    .addOption(json)
    .action(async (o: { json?: boolean }) => runMigrate(loadConfig(), makeOut(!!o.json)));
  program
    .command('rotate-key')
    .description('re-encrypt every stored token with a new key (key file) or the current CALBRIDGE_ENCRYPTION_KEY')
    .addOption(json)
    .action(async (o: { json?: boolean }) => runRotateKey(loadConfig(), makeOut(!!o.json)));
  program
    .command('create-tenant')
    .description('create a tenant')
    .requiredOption('--name <name>', 'tenant name')
    .addOption(
      new Option('--provider <provider>', 'calendar provider').choices(['MICROSOFT', 'GOOGLE']).default('MICROSOFT'),
    )
    .addOption(json)
    .action(async (o: { name: string; provider: 'MICROSOFT' | 'GOOGLE'; json?: boolean }) =>
      runCreateTenant(loadConfig(), o, makeOut(!!o.json)),
    );
  program
    .command('create-api-key')
    .description('issue an API key for a user of a tenant (the user is created when missing)')
    .requiredOption('--tenant <id>', 'tenant id')
    .requiredOption('--user <email>', 'user email')
    .addOption(
      new Option(
        '--role <role>',
        "role of a user created now (default: admin for a tenant's first user, else member)",
      ).choices(['member', 'approver', 'admin']),
    )
    .addOption(json)
    .action(async (o: { tenant: string; user: string; role?: 'member' | 'approver' | 'admin'; json?: boolean }) =>
      runCreateApiKey(loadConfig(), o, makeOut(!!o.json)),
    );
  program
    .command('worker')
    .description(
      'run every background job: sync, notifications, subscriptions, detection, deliveries, briefs, health, tokens, retention (several workers share the work through PostgreSQL)',
    )
    .option('--concurrency <n>', 'calendars synced at once by this worker', '4')
    .option('--metrics-port <n>', "serve this worker's Prometheus /metrics on this port (0 = any free port)")
    .addOption(json)
    .action(async (o: { concurrency: string; metricsPort?: string; json?: boolean }) => {
      const n = Number.parseInt(o.concurrency, 10);
      if (!Number.isInteger(n) || n < 1 || n > 64)
        throw new CommanderError(2, 'calbridge.usage', '--concurrency must be 1 to 64');
      const m = o.metricsPort === undefined ? undefined : Number.parseInt(o.metricsPort, 10);
      if (m !== undefined && (!Number.isInteger(m) || m < 0 || m > 65535))
        throw new CommanderError(2, 'calbridge.usage', '--metrics-port must be 0 to 65535');
      await runWorker(loadConfig(), { concurrency: n, metricsPort: m }, makeOut(!!o.json));
    });
  program
    .command('sync')
    .description("sync a user's calendars now, in the foreground, with progress")
    .requiredOption('--user <id|email>', 'calbridge user id or email')
    .option('--tenant <id>', 'tenant id (when the email exists in several tenants)')
    .option('--full', 'full resync instead of incremental')
    .addOption(json)
    .action(async (o: { user: string; tenant?: string; full?: boolean; json?: boolean }) =>
      runSync(loadConfig(), o, makeOut(!!o.json), !!o.json),
    );
  program
    .command('export')
    .description(
      "export a tenant's calbridge-owned data (customers, stakeholders, manual associations, templates, audit)",
    )
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--out <file>', 'write to a file (mode 0600) instead of stdout')
    .addOption(json)
    .action(async (o: { tenant: string; out?: string; json?: boolean }) =>
      runExport(loadConfig(), o, makeOut(!!o.json)),
    );
  program
    .command('import')
    .description('restore a tenant from an export (replaces its calbridge-owned data)')
    .requiredOption('--file <file>', 'the export file')
    .addOption(json)
    .action(async (o: { file: string; json?: boolean }) => runImport(loadConfig(), o, makeOut(!!o.json)));
  program
    .command('emulator')
    .description('run the Microsoft 365 emulator (Graph calendar API + identity platform), or the Google one')
    .addOption(
      new Option('--provider <provider>', 'which emulator').choices(['microsoft', 'google']).default('microsoft'),
    )
    .option('--port <n>', 'port (0 = any free port; default 8443, Google 8444)')
    .option('--host <host>', 'host', '127.0.0.1')
    .option('--seed <n>', 'seed of the generated data', '1')
    .option('--scale <n>', 'size multiplier of the seeded data', '1')
    .option('--auto-consent', 'skip the consent page for a login_hint of a seeded user')
    .option('--data-dir <dir>', 'where the CA and certificates are kept')
    .option('--faults <file>', 'fault-injection config (JSON)')
    .option('--persist', 'keep its state in the data dir across restarts')
    .option('--now <instant>', 'start its clock at this instant (ISO 8601)')
    .option(
      '--allow-http-notifications',
      'accept http:// notification URLs on loopback hosts (both providers require https)',
    )
    .addOption(json)
    .action(async (o: Record<string, string | boolean | undefined>) => runEmulatorCommand(o));
  return program;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return 0;
      return 2;
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`calbridge: configuration error: ${e.message}\n`);
      return 1;
    }
    const msg = e instanceof AppError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    process.stderr.write(`calbridge: ${msg.split('\n')[0]}\n`);
    return 1;
  }
}

const isEntry = process.argv[1] && /(?:^|[/\\])(cli\.[jt]s|calbridge(\.js)?)$/.test(process.argv[1]);
if (isEntry) {
  const code = await main(process.argv.slice(2));
  // Long-running commands (serve, emulator) keep the process alive; the others exit with their code.
  if (code !== 0 || !['serve', 'emulator', 'worker'].includes(process.argv[2] ?? '')) process.exit(code);
}
