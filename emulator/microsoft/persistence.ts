// What the Microsoft emulator's state file holds (option `persist`): everything a restarted emulator needs so
// that a client holding tokens, ids and delta tokens from before keeps working.
import type { EmuClock } from '../common/clock.js';
import type { EmuApp } from './contracts.js';
import { directorySnapshot, loadDirectory, type Directory, type DirectorySnapshot } from './directory.js';
import type { MailMessage } from './graph/messages.js';
import type { MailboxStore, StoreSnapshot } from './graph/store.js';
import type { SubscriptionEngine, SubscriptionRecord } from './graph/subscriptions.js';
import type { IdentityState, IdentityStateJson, SigningKeyJson } from './identity/state.js';

/** Default file name in the data dir (the Google emulator may share the dir: it uses google-state.json). */
export const MICROSOFT_STATE_FILE = 'microsoft-state.json';
const FORMAT = 'calbridge-microsoft-emulator-state';

export interface MicrosoftState {
  format: typeof FORMAT;
  version: 1;
  /** Real time of the write (for people reading the file). */
  savedAt: string;
  clockOffsetMs: number;
  /** The token signing key: access tokens issued before a restart still validate. */
  signingKey: SigningKeyJson;
  directory: DirectorySnapshot;
  /** Apps registered besides the demo app (kept across POST /_emulator/reset). */
  registeredApps: EmuApp[];
  /** Mailboxes with their change feeds. */
  store: StoreSnapshot;
  messages: Array<[string, MailMessage[]]>;
  identity: IdentityStateJson;
  subscriptions: Array<Omit<SubscriptionRecord, 'changeTypes'> & { changeTypes: string[] }>;
}

export interface MicrosoftStateParts {
  clock: EmuClock;
  signingKey: SigningKeyJson;
  directory: Directory;
  registeredApps: () => EmuApp[];
  store: MailboxStore;
  identity: IdentityState;
  subscriptions: () => SubscriptionEngine | undefined;
}

/** The state document of a running emulator. */
export function microsoftState(p: MicrosoftStateParts): MicrosoftState {
  return {
    format: FORMAT,
    version: 1,
    savedAt: new Date().toISOString(),
    clockOffsetMs: p.clock.offset,
    signingKey: p.signingKey,
    directory: directorySnapshot(p.directory),
    registeredApps: p.registeredApps(),
    store: p.store.toJSON({ changeFeed: true }),
    messages: [...p.store.messages],
    identity: p.identity.toJSON(),
    subscriptions: [...(p.subscriptions()?.subscriptions.values() ?? [])].map((s) => ({
      ...s,
      changeTypes: [...s.changeTypes],
    })),
  };
}

/** Checks a document read from a state file; throws naming the file when it is not one this emulator wrote. */
export function checkMicrosoftState(doc: unknown, file: string): MicrosoftState {
  const d = doc as Partial<MicrosoftState> | null;
  if (!d || d.format !== FORMAT || d.version !== 1 || !d.store || !d.directory || !d.signingKey || !d.identity) {
    throw new Error(
      `${file} is not a state file of this Microsoft emulator version (format ${FORMAT}, version 1); move it away to start from the seed`,
    );
  }
  return d as MicrosoftState;
}

/** Loads directory, mailboxes, mail and identity state (the signing key and clock are set up by the caller). */
export function loadMicrosoftState(
  s: MicrosoftState,
  p: { directory: Directory; store: MailboxStore; identity: IdentityState },
): void {
  loadDirectory(p.directory, s.directory);
  p.store.load(s.store, { resume: true });
  for (const [userId, list] of s.messages ?? []) p.store.messages.set(userId, list);
  p.identity.load(s.identity);
}

/** The saved subscriptions as the engine holds them. */
export function savedSubscriptions(s: MicrosoftState): SubscriptionRecord[] {
  return (s.subscriptions ?? []).map((r) => ({ ...r, changeTypes: new Set(r.changeTypes) }) as SubscriptionRecord);
}
