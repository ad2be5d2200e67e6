// `npm run conformance -- --cases <dir> [--provider microsoft] [--only <regexp>]`: replays a case folder.
import { resolve } from 'node:path';
import { Command } from 'commander';
import { formatResult, runConformance, summary } from './runner.js';

const program = new Command('conformance')
  .description('Replay Microsoft Graph conformance cases against a freshly seeded in-process emulator')
  .requiredOption('--cases <dir>', 'folder of case files (graph-conformance format)')
  .option('--provider <name>', 'provider to emulate: microsoft or google', 'microsoft')
  .option('--only <regexp>', 'run only the cases whose id matches');

program.parse();
const opts = program.opts<{ cases: string; provider: string; only?: string }>();

if (opts.provider !== 'microsoft' && opts.provider !== 'google') {
  process.stderr.write(`unknown provider '${opts.provider}' (microsoft or google)\n`);
  process.exit(2);
}

const only = opts.only ? new RegExp(opts.only) : null;
try {
  const results = await runConformance(resolve(opts.cases), {
    provider: opts.provider,
    ...(only ? { only: (id: string) => only.test(id) } : {}),
    onResult: (r) => process.stdout.write(`${formatResult(r)}\n`),
  });
  for (const line of summary(results)) process.stdout.write(`${line}\n`);
  process.exit(results.some((r) => r.outcome === 'fail') ? 1 : 0);
} catch (err) {
  process.stderr.write(`conformance: ${(err as Error).message}\n`);
  process.exit(2);
}
