// An emulator's state file in its data dir: read once at start, written (temp file + rename) a short while after
// something changed, and once more on close. Used by both emulators' `persist` option.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

/**
 * How far a change sequence (a Microsoft mailbox's, a Google calendar's) jumps ahead when an emulator loads its saved
 * state. The file is written a moment after a change, so a process killed in between restarts behind delta or sync
 * tokens it had already given out; without the jump the first changes after the restart would take the lost ones'
 * numbers and a client holding such a token would be told nothing changed. With it, every change after a restart lies
 * after any token given out before it.
 */
export const RESUME_SEQ_GAP = 1_000_000;

/** The `persist` start option of both emulators. */
export type PersistOption =
  | boolean
  | {
      /** State file name, relative to the data dir (or absolute). */
      file?: string;
      /** How long after the first unsaved change the state is written (default 500 ms). */
      delayMs?: number;
    };

export interface StateFileOptions<T> {
  path: string;
  /** Builds the JSON document to write. */
  snapshot: () => T;
  delayMs?: number;
  /**
   * Write Maps and Sets as `{"$map": [...]}` / `{"$set": [...]}` and read them back (a replacer makes writing
   * slower: large states should build plain JSON instead).
   */
  collections?: boolean;
  /** Called when a save fails (default: one line on stderr). */
  onError?: (e: Error) => void;
}

/** The state file's path for a `persist` option, or null when persistence is off. */
export function stateFilePath(persist: PersistOption | undefined, dataDir: string, defaultName: string): string | null {
  if (!persist) return null;
  const file = (typeof persist === 'object' && persist.file) || defaultName;
  return isAbsolute(file) ? file : join(dataDir, file);
}

export function persistDelay(persist: PersistOption | undefined): number | undefined {
  return typeof persist === 'object' ? persist.delayMs : undefined;
}

/**
 * A debounced, atomic JSON state file.
 *
 * @example
 * const file = new StateFile({ path: 'data/emulator/microsoft-state.json', snapshot: () => state.toJSON() });
 * const saved = file.read(); // undefined when there is none yet
 * server.addHook('onResponse', async () => file.markDirty());
 * await file.close(); // writes what is pending
 */
export class StateFile<T> {
  readonly path: string;
  private readonly delayMs: number;
  private timer: NodeJS.Timeout | null = null;
  private dirty = false;
  private closed = false;
  /** Number of completed writes (tests). */
  saves = 0;
  private lastSaveMs = 0;

  constructor(private readonly opts: StateFileOptions<T>) {
    this.path = opts.path;
    this.delayMs = opts.delayMs ?? 500;
  }

  /** The saved document, or undefined when the file does not exist. Throws when it exists but is unreadable. */
  read(): T | undefined {
    if (!existsSync(this.path)) return undefined;
    const text = readFileSync(this.path, 'utf8');
    try {
      return (this.opts.collections ? JSON.parse(text, revive) : JSON.parse(text)) as T;
    } catch (e) {
      throw new Error(`emulator state file ${this.path} is not valid JSON (${(e as Error).message}); move it away`, {
        cause: e,
      });
    }
  }

  /**
   * Notes an unsaved change; the state is written `delayMs` after the first unsaved change (or, for a state that
   * takes long to write, 4 × the last write's duration: writing then takes at most a fifth of the time).
   */
  markDirty(): void {
    if (this.closed) return;
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.save();
      },
      Math.max(this.delayMs, 4 * this.lastSaveMs),
    );
    this.timer.unref();
  }

  /** Writes the state now if anything changed since the last write. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.dirty) this.save();
  }

  /** Writes the state now (temp file + rename, so a crash leaves the old or the new file, never half of one). */
  save(): void {
    this.dirty = false;
    const tmp = `${this.path}.${process.pid}.tmp`;
    const started = performance.now();
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const doc = this.opts.snapshot();
      writeFileSync(tmp, this.opts.collections ? JSON.stringify(doc, replace) : JSON.stringify(doc), { mode: 0o600 });
      renameSync(tmp, this.path);
      this.saves += 1;
      this.lastSaveMs = performance.now() - started;
    } catch (e) {
      rmSync(tmp, { force: true });
      (this.opts.onError ?? ((err) => process.stderr.write(`emulator: cannot save ${this.path}: ${err.message}\n`)))(
        e as Error,
      );
    }
  }

  /** Writes what is pending and stops saving. */
  close(): void {
    this.flush();
    this.closed = true;
  }
}

/** JSON.stringify replacer: Maps and Sets as `{"$map": [[k, v], ...]}` and `{"$set": [...]}`. */
export function replace(_key: string, value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value] };
  if (value instanceof Set) return { $set: [...value] };
  return value;
}

/** JSON.parse reviver undoing replace(). */
export function revive(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const v = value as { $map?: unknown; $set?: unknown };
      if (keys[0] === '$map' && Array.isArray(v.$map)) return new Map(v.$map as Array<[unknown, unknown]>);
      if (keys[0] === '$set' && Array.isArray(v.$set)) return new Set(v.$set);
    }
  }
  return value;
}

/** Requests that change nothing (GET, HEAD, OPTIONS) except the sign-in pages, which issue codes and record consent. */
export function mayChangeState(method: string, url: string): boolean {
  if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') return true;
  const path = url.split('?')[0] ?? url;
  return /\/(authorize|adminconsent)$|^\/o\/oauth2\/v2\/auth$/i.test(path);
}
