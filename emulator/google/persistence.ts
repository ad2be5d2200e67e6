// What the Google emulator's state file holds (option `persist`): everything a restarted emulator needs so that a
// client holding tokens, event ids, sync tokens and channels from before keeps working.
import type { EmuClock } from '../common/clock.js';
import { RESUME_SEQ_GAP } from '../common/state-file.js';
import type { Channels } from './channels.js';
import type { GApp, GChannel } from './model.js';
import type { OAuthState, OAuthStateJson } from './oauth.js';
import type { GoogleStore } from './store.js';

/** Default file name in the data dir (the Microsoft emulator may share the dir: it uses microsoft-state.json). */
export const GOOGLE_STATE_FILE = 'google-state.json';
const FORMAT = 'calbridge-google-emulator-state';

export interface GoogleState {
  format: typeof FORMAT;
  version: 1;
  /** Real time of the write (for people reading the file). */
  savedAt: string;
  clockOffsetMs: number;
  /** Apps registered besides the demo app (kept across POST /_emulator/reset). */
  registeredApps: GApp[];
  /** Every Map the store holds (users, calendars with their events and ACLs, ...), by field name. */
  store: Record<string, Map<unknown, unknown>>;
  oauth: OAuthStateJson;
  channels: GChannel[];
}

/** The store's Map fields (users, calendars and whatever maps it gains): its whole data. */
function storeMaps(store: GoogleStore): Record<string, Map<unknown, unknown>> {
  return Object.fromEntries(Object.entries(store).filter(([, v]) => v instanceof Map)) as Record<
    string,
    Map<unknown, unknown>
  >;
}

export interface GoogleStateParts {
  clock: EmuClock;
  registeredApps: () => GApp[];
  store: GoogleStore;
  oauth: OAuthState;
  /** The ID-token key as JWKs (exported once at start). */
  oauthKey: OAuthStateJson['key'];
  channels: Channels;
}

/** The state document of a running emulator (Maps inside are written by the state file's replacer). */
export function googleState(p: GoogleStateParts): GoogleState {
  return {
    format: FORMAT,
    version: 1,
    savedAt: new Date().toISOString(),
    clockOffsetMs: p.clock.offset,
    registeredApps: p.registeredApps(),
    store: storeMaps(p.store),
    oauth: { ...p.oauth.snapshot(), key: p.oauthKey },
    channels: [...p.channels.active.values()],
  };
}

/** Checks a document read from a state file; throws naming the file when it is not one this emulator wrote. */
export function checkGoogleState(doc: unknown, file: string): GoogleState {
  const d = doc as Partial<GoogleState> | null;
  if (!d || d.format !== FORMAT || d.version !== 1 || !d.store || !d.oauth?.key) {
    throw new Error(
      `${file} is not a state file of this Google emulator version (format ${FORMAT}, version 1); move it away to start from the seed`,
    );
  }
  return d as GoogleState;
}

/** Loads the store's maps and the channels (OAuth state is loaded by OAuthState.init(saved.oauth)). */
export function loadGoogleState(s: GoogleState, p: { store: GoogleStore; channels: Channels }): void {
  const target = storeMaps(p.store);
  for (const [name, saved] of Object.entries(s.store)) {
    const map = target[name];
    if (!map || !(saved instanceof Map)) continue;
    map.clear();
    for (const [k, v] of saved) map.set(k, v);
  }
  p.channels.clear();
  for (const ch of s.channels ?? []) p.channels.active.set(ch.id, ch);
  for (const cal of p.store.calendars.values()) cal.seq += RESUME_SEQ_GAP; // see RESUME_SEQ_GAP
}
