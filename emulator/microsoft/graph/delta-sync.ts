// calendarView delta: full-sync snapshots, incremental changes from the change feed, paging sessions, tokens.
import { randomBytes } from 'node:crypto';
import { GraphHttpError } from './errors.js';
import type { EventInstance } from './model.js';
import { instanceId, type MailboxStore } from './store.js';

/** One item of a delta page: a current instance, or the id of one that left the view. */
export type DeltaItem = { kind: 'upsert'; inst: EventInstance } | { kind: 'removed'; id: string; moves?: number };

/** What a $deltatoken carries (opaque to clients). */
export interface DeltaState {
  userId: string;
  calendarId: string;
  startMs: number;
  endMs: number;
  /** Change sequence the client is synchronised up to. */
  seq: number;
  epoch: number;
}

interface Session {
  state: DeltaState;
  items: DeltaItem[];
}

const MAX_SESSIONS = 500;

/** 410 answer for an unknown, expired or invalidated token. */
export function syncStateNotFound(generation?: number): GraphHttpError {
  return new GraphHttpError(
    410,
    'SyncStateNotFound',
    `The sync state generation is not found; generation=${generation ?? 0};[highest=${(generation ?? 0) + 1}].`,
  );
}

const enc = (o: unknown) => `R0us${Buffer.from(JSON.stringify(o)).toString('base64url')}`;

function dec(token: string): unknown {
  if (!token.startsWith('R0us')) return null;
  try {
    return JSON.parse(Buffer.from(token.slice(4), 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}

/** Delta engine over one store: issues and redeems $skiptoken / $deltatoken values. */
export class DeltaEngine {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly store: MailboxStore) {}

  /** Encodes a delta token for a state. */
  deltaToken(state: DeltaState): string {
    return enc({
      u: state.userId,
      c: state.calendarId,
      s: state.startMs,
      e: state.endMs,
      q: state.seq,
      g: state.epoch,
    });
  }

  /** Decodes and validates a delta token for `userId`; 410 when unknown or no longer valid. */
  redeemDeltaToken(token: string, userId: string): DeltaState {
    const raw = dec(token) as { u?: string; c?: string; s?: number; e?: number; q?: number; g?: number } | null;
    if (
      !raw ||
      raw.u !== userId ||
      typeof raw.c !== 'string' ||
      typeof raw.s !== 'number' ||
      typeof raw.e !== 'number' ||
      typeof raw.q !== 'number' ||
      typeof raw.g !== 'number'
    ) {
      throw syncStateNotFound();
    }
    const st = this.store.syncState(userId);
    if (raw.g !== st.epoch || raw.q < st.minSeq || raw.q > st.seq) throw syncStateNotFound(raw.q);
    return { userId, calendarId: raw.c, startMs: raw.s, endMs: raw.e, seq: raw.q, epoch: raw.g };
  }

  /** Starts a full synchronisation of the window; returns the session id. */
  startFull(userId: string, calendarId: string, startMs: number, endMs: number): string {
    const st = this.store.syncState(userId);
    const items: DeltaItem[] = this.store
      .calendarView(userId, calendarId, startMs, endMs)
      .map((inst) => ({ kind: 'upsert', inst }));
    return this.open({ userId, calendarId, startMs, endMs, seq: st.seq, epoch: st.epoch }, items);
  }

  /** Starts an incremental round from a redeemed delta state; returns the session id. */
  startIncremental(prev: DeltaState): string {
    const st = this.store.syncState(prev.userId);
    return this.open({ ...prev, seq: st.seq, epoch: st.epoch }, this.changesSince(prev));
  }

  private open(state: DeltaState, items: DeltaItem[]): string {
    const id = randomBytes(12).toString('base64url');
    this.sessions.set(id, { state, items });
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    return id;
  }

  /** The skiptoken for a session position. */
  skipToken(sessionId: string, offset: number): string {
    return enc({ k: sessionId, o: offset });
  }

  /**
   * One page of a session. Returns the items and either the next offset or the final delta state.
   * 410 when the session is unknown or the mailbox's tokens were invalidated meanwhile.
   */
  page(
    sessionId: string,
    offset: number,
    size: number,
    userId: string,
  ): { items: DeltaItem[]; nextOffset: number | null; state: DeltaState } {
    const s = this.sessions.get(sessionId);
    if (!s || s.state.userId !== userId) throw syncStateNotFound();
    if (this.store.syncState(userId).epoch !== s.state.epoch) {
      this.sessions.delete(sessionId);
      throw syncStateNotFound(s.state.seq);
    }
    const items = s.items.slice(offset, offset + size);
    const next = offset + size < s.items.length ? offset + size : null;
    if (next === null) this.sessions.delete(sessionId);
    return { items, nextOffset: next, state: s.state };
  }

  /** Decodes a skiptoken to its session and offset (410 when malformed). */
  readSkipToken(token: string): { sessionId: string; offset: number } {
    const raw = dec(token) as { k?: string; o?: number } | null;
    if (!raw || typeof raw.k !== 'string' || typeof raw.o !== 'number') throw syncStateNotFound();
    return { sessionId: raw.k, offset: raw.o };
  }

  /** What changed in the window since `prev.seq`: current instances as upserts, vanished ones as removals. */
  private changesSince(prev: DeltaState): DeltaItem[] {
    const touched = new Map<string, { prevMaster?: import('./model.js').StoredEvent; moves?: number }>();
    for (const c of this.store.changesSince(prev.userId, prev.seq)) {
      if (c.calendarId !== prev.calendarId) continue;
      const t = touched.get(c.eventId);
      if (!t) touched.set(c.eventId, { prevMaster: c.prev, moves: c.moves });
      else {
        if (!t.prevMaster && c.prev) t.prevMaster = c.prev;
        t.moves = c.moves; // the last change in this calendar names the id the client last saw here
      }
    }
    const out: DeltaItem[] = [];
    const { startMs, endMs } = prev;
    for (const [id, info] of touched) {
      const cur = this.store.getEvent(prev.userId, id);
      const curLive = cur && cur.calendarId === prev.calendarId ? cur : undefined;
      if (curLive?.data.type === 'seriesMaster' || info.prevMaster) {
        const now = curLive?.data.type === 'seriesMaster' ? this.store.occurrencesOf(curLive, startMs, endMs) : [];
        const ids = new Set(now.map(instanceId));
        for (const inst of now) out.push({ kind: 'upsert', inst });
        for (const old of info.prevMaster ? this.store.occurrencesOf(info.prevMaster, startMs, endMs) : []) {
          const oid = instanceId(old);
          if (!ids.has(oid) && !this.store.getEvent(prev.userId, oid)) out.push({ kind: 'removed', id: oid });
        }
        continue;
      }
      if (
        curLive &&
        curLive.startMs < endMs &&
        (curLive.endMs > startMs || (curLive.startMs === curLive.endMs && curLive.startMs >= startMs))
      ) {
        out.push({ kind: 'upsert', inst: { ev: curLive, startMs: curLive.startMs, endMs: curLive.endMs } });
      } else out.push({ kind: 'removed', id, ...(info.moves ? { moves: info.moves } : {}) });
    }
    return out;
  }
}
