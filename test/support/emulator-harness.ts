// What the Microsoft and Google test helpers share: an emulator on a free port with its own data folder, an in-memory
// token cache and following an authorize URL.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetch as undiciFetch, type Agent } from 'undici';
import { ensureTlsMaterial } from '../../emulator/common/tls.js';
import type { TokenCacheStore } from '../../src/ports/connections.js';
import { createAgent } from '../../src/providers/microsoft-graph/index.js';

/** A running emulator and an agent trusting its CA. */
export interface EmulatorHarness<E> {
  emu: E;
  agent: Agent;
  close(): Promise<void>;
}

let tlsTemplate: string | null = null;
/**
 * A folder holding the emulators' CA and server certificate, made once per test process: each harness's fresh data
 * folder starts with a copy, so the emulator reads them instead of generating two RSA keys on every start (about
 * 0.5-1 s of CPU each time, a third of an emulator's start). Tests of the generation itself call ensureTlsMaterial.
 */
function tlsFiles(): string {
  if (tlsTemplate) return tlsTemplate;
  const dir = mkdtempSync(join(tmpdir(), 'cb-emu-tls-'));
  ensureTlsMaterial(dir);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return (tlsTemplate = dir);
}

/**
 * Starts an emulator (HTTPS, free port) with a fresh data folder holding the process's shared TLS material; `close`
 * stops it and removes the folder.
 */
export async function startEmulatorHarness<E extends { caPem: string; close(): Promise<void> }>(
  start: (dataDir: string) => Promise<E>,
): Promise<EmulatorHarness<E>> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-emu-'));
  cpSync(tlsFiles(), dir, { recursive: true });
  const emu = await start(dir);
  const agent = createAgent(null, emu.caPem);
  return {
    emu,
    agent,
    close: async () => {
      await emu.close();
      await agent.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A token cache held in memory; counts its saves. */
export class MemoryCacheStore implements TokenCacheStore {
  value: string | null = null;
  saves = 0;
  async load(): Promise<string | null> {
    return this.value;
  }
  async save(serialized: string): Promise<void> {
    this.value = serialized;
    this.saves++;
  }
}

/** Follows an authorize URL (auto-consent + login_hint) and returns the redirect's query. */
export async function followAuthorize(agent: Agent, url: string): Promise<URLSearchParams> {
  const res = await undiciFetch(url, { redirect: 'manual', dispatcher: agent });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location)
    throw new Error(`authorize answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return new URL(location).searchParams;
}
