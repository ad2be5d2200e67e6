// For test files: the Google emulator on a free port with its own data folder, and an undici agent trusting its CA.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { startGoogleEmulator, type GoogleEmulatorOptions, type RunningGoogleEmulator } from './server.js';

export interface GoogleTestEmulator {
  emu: RunningGoogleEmulator;
  agent: Agent;
  /** Stops the emulator and the agent and removes the data folder. */
  close(): Promise<void>;
}

/** Quiet, minimal seed (unless told otherwise), Google's rules (https watch addresses) unless the options relax them. */
export async function startGoogleTestEmulator(opts: GoogleEmulatorOptions = {}): Promise<GoogleTestEmulator> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-gemu-'));
  try {
    const emu = await startGoogleEmulator({ port: 0, dataDir: dir, quiet: true, minimalSeed: true, ...opts });
    const agent = new Agent({ connect: { ca: emu.caPem } });
    return {
      emu,
      agent,
      close: async () => {
        await emu.close();
        await agent.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
