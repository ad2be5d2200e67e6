// Request bodies for replay: documented bodies with endpoints, resources, expiry times and addresses made local.
import forge from 'node-forge';
import type { ConformanceCase } from './cases.js';
import type { Harness } from './harness.js';

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The body the runner sends for a case (a copy of the documented one, with local substitutions). */
export function prepareBody(h: Harness, c: ConformanceCase): unknown {
  const doc = c.request?.body;
  if (!isObj(doc)) return doc ?? undefined;
  const body = structuredClone(doc);
  const path = (c.request?.url ?? '').replace(/^https:\/\/graph\.microsoft\.com\/v1\.0\/?/i, '').split('?')[0] ?? '';
  if (/^subscriptions$/i.test(path)) subscriptionBody(h, body);
  if (/^subscriptions\/[^/]+$/i.test(path) && typeof body.expirationDateTime === 'string')
    body.expirationDateTime = futureTimestamp(h);
  if (/(getSchedule|findMeetingTimes)$/i.test(path)) mapAddresses(h, body);
  if (/findMeetingTimes$/i.test(path)) shiftIntoFuture(h, body);
  return body;
}

/** Subscriptions: local receivers, a resource of the caller's mailbox, an expiry in the future, a real certificate. */
function subscriptionBody(h: Harness, body: Record<string, unknown>): void {
  if (typeof body.notificationUrl === 'string') body.notificationUrl = `${h.receiver.url}/notify`;
  if (typeof body.lifecycleNotificationUrl === 'string') body.lifecycleNotificationUrl = `${h.receiver.url}/lifecycle`;
  if (typeof body.resource === 'string') {
    // Teams and other non-mailbox resources are outside the emulated surface: the caller's events stand in.
    body.resource = /^\/?(me|users)\b/i.test(body.resource)
      ? body.resource.replace(/^(\/?users\/)[^/]+/i, `$1${h.me.id}`)
      : 'me/events';
  }
  if (typeof body.expirationDateTime === 'string') body.expirationDateTime = futureTimestamp(h);
  if (body.includeResourceData === true) body.encryptionCertificate = testCertificate();
}

/** A day from the emulator's now, in Graph's 7-digit fraction format (so that an echo compares equal). */
function futureTimestamp(h: Harness): string {
  return new Date(h.emu.clock.now() + 86_400_000).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

let cert: string | null = null;

/** A self-signed certificate (base64 DER) for rich-notification subscriptions. */
export function testCertificate(): string {
  if (cert) return cert;
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const c = forge.pki.createCertificate();
  c.publicKey = keys.publicKey;
  c.serialNumber = '01';
  c.validity.notBefore = new Date(Date.now() - 86_400_000);
  c.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const attrs = [{ name: 'commonName', value: 'conformance-notifications' }];
  c.setSubject(attrs);
  c.setIssuer(attrs);
  c.sign(keys.privateKey, forge.md.sha256.create());
  cert = forge.util.encode64(forge.asn1.toDer(forge.pki.certificateToAsn1(c)).getBytes());
  return cert;
}

/** Scheduling requests: documented people become seeded people (in order of first mention). */
function mapAddresses(h: Harness, body: Record<string, unknown>): void {
  const people = [...h.emu.directory.users.values()].filter((u) => u.kind === 'user' && u.id !== h.me.id);
  const seen = new Map<string, string>();
  const map = (addr: string): string => {
    const key = addr.toLowerCase();
    if (h.emu.directory.getUser(key)) return addr;
    if (!seen.has(key)) seen.set(key, people[seen.size % Math.max(people.length, 1)]?.mail ?? addr);
    return seen.get(key) ?? addr;
  };
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) {
        v[k] = k === 'address' && typeof x === 'string' && x.includes('@') ? map(x) : walk(x);
      }
      return v;
    }
    return typeof v === 'string' && /^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(v) ? map(v) : v;
  };
  walk(body);
}

/** Moves every `dateTime` by whole weeks so the earliest lies ahead (suggestions are never in the past). */
function shiftIntoFuture(h: Harness, body: Record<string, unknown>): void {
  const stamps: Array<{ holder: Record<string, unknown> }> = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isObj(v)) {
      if (typeof v.dateTime === 'string' && Number.isFinite(Date.parse(`${v.dateTime.slice(0, 19)}Z`)))
        stamps.push({ holder: v });
      Object.values(v).forEach(walk);
    }
  };
  walk(body);
  if (!stamps.length) return;
  const ms = (s: { holder: Record<string, unknown> }) => Date.parse(`${String(s.holder.dateTime).slice(0, 19)}Z`);
  const earliest = Math.min(...stamps.map(ms));
  const week = 7 * 86_400_000;
  const weeks = Math.max(0, Math.ceil((h.emu.clock.now() + 2 * 86_400_000 - earliest) / week));
  for (const s of stamps) s.holder.dateTime = new Date(ms(s) + weeks * week).toISOString().slice(0, 19);
}
