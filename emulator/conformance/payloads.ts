// Payload-only cases: produce the same payload with the emulator (notification, validation, error) and compare.
import type { CaseOutcome, ConformanceCase } from './cases.js';
import { compareShape, type Representations } from './compare.js';
import { createEvent, createSubscription, eventInput, SetupError } from './fixtures.js';
import type { Harness, Posted } from './harness.js';
import { testCertificate } from './request-body.js';
import { existingSubscriptionEngine } from '../microsoft/graph/subscription-engine-registry.js';
import { LIFECYCLE_EVENTS, type LifecycleEvent } from '../microsoft/graph/subscriptions.js';

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

const pass = (id: string): CaseOutcome => ({ id, outcome: 'pass' });
const fail = (id: string, detail: string): CaseOutcome => ({ id, outcome: 'fail', detail });

/** A change notification the emulator POSTs after an event is created in a subscribed mailbox. */
export async function produceChangeNotification(h: Harness, rich: boolean): Promise<Posted> {
  const sub = await createSubscription(
    h,
    rich
      ? {
          includeResourceData: true,
          encryptionCertificate: testCertificate(),
          encryptionCertificateId: 'conformance-cert',
        }
      : {},
  );
  await createEvent(h, eventInput({ subject: 'Notify me' }));
  const post = await h.receiver.waitFor(
    (p) => p.path === '/notify' && !p.query.has('validationToken') && JSON.stringify(p.json).includes(String(sub.id)),
  );
  if (!post) throw new SetupError('no change notification arrived within 5 s');
  return post;
}

/** A lifecycle notification: `event` triggered through the engine, as the admin API does. */
export async function produceLifecycle(h: Harness, event: LifecycleEvent): Promise<Posted> {
  const sub = await createSubscription(h);
  const engine = existingSubscriptionEngine(h.emu.store);
  if (!engine?.triggerLifecycle(String(sub.id), event))
    throw new SetupError('the subscription engine did not know the new subscription');
  const post = await h.receiver.waitFor(
    (p) => p.path === '/lifecycle' && JSON.stringify(p.json).includes(`"${event}"`),
  );
  if (!post) throw new SetupError(`no ${event} lifecycle notification arrived within 5 s`);
  return post;
}

export async function runNotification(h: Harness, c: ConformanceCase, reps: Representations): Promise<CaseOutcome> {
  const doc = c.request?.body;
  if (!isObj(doc)) return { id: c.id, outcome: 'na', detail: 'no documented payload' };
  const first = Array.isArray(doc.value) ? (doc.value[0] as Record<string, unknown> | undefined) : undefined;
  let post: Posted;
  if (first && typeof first.lifecycleEvent === 'string') {
    const named = LIFECYCLE_EVENTS.find((e) => e === first.lifecycleEvent);
    post = await produceLifecycle(h, named ?? 'reauthorizationRequired');
    const got = (post.json as { value?: Array<{ lifecycleEvent?: string }> } | null)?.value?.[0]?.lifecycleEvent;
    if (!LIFECYCLE_EVENTS.includes(got as LifecycleEvent))
      return fail(c.id, `value[0].lifecycleEvent: '${got}' is not a lifecycle event`);
  } else {
    post = await produceChangeNotification(h, Array.isArray(doc.validationTokens));
  }
  if (!String(post.headers['content-type'] ?? '').startsWith('application/json'))
    return fail(c.id, `content-type: expected application/json, got ${post.headers['content-type']}`);
  const diff = compareShape(doc, post.json, { representations: reps });
  if (diff) return fail(c.id, diff);
  const client = (post.json as { value?: Array<{ clientState?: unknown }> }).value?.[0]?.clientState;
  if ('clientState' in (first ?? {}) && client !== 'conformance-client-state')
    return fail(c.id, `value[0].clientState: expected the subscription's clientState, got ${JSON.stringify(client)}`);
  return pass(c.id);
}

/** The validation POST: query validationToken, text/plain, and the subscription is created only on an exact echo. */
export async function runValidation(h: Harness, c: ConformanceCase): Promise<CaseOutcome> {
  const before = h.receiver.posts.length;
  await createSubscription(h);
  const post = h.receiver.posts.slice(before).find((p) => p.query.has('validationToken'));
  if (!post) return fail(c.id, 'no validation request reached the notification URL');
  const want = c.request?.headers?.['Content-Type'] ?? 'text/plain';
  const got = String(post.headers['content-type'] ?? '');
  if (!got.toLowerCase().startsWith(want.split(';')[0]?.toLowerCase() ?? 'text/plain'))
    return fail(c.id, `validation request content-type: expected ${want}, got ${got}`);
  if (!post.query.get('validationToken')) return fail(c.id, 'validationToken is empty');
  return pass(c.id);
}

/** A Graph error from the emulator (an unknown event) against a documented error body. */
export async function runErrorBody(h: Harness, c: ConformanceCase): Promise<CaseOutcome> {
  const res = await h.graph('GET', 'me/events/AAMkAGNvbmZvcm1hbmNlLW5vdC1mb3VuZA==');
  if (res.status < 400) return fail(c.id, `expected an error status, got ${res.status}`);
  const diff = compareShape(c.response?.body, res.json);
  return diff ? fail(c.id, diff) : pass(c.id);
}

/** The throttling sample: a 429 the emulator sends when the per-mailbox request budget is used up. */
export async function runThrottle(h: Harness, c: ConformanceCase): Promise<CaseOutcome> {
  h.emu.faults.reset({ throttle: { enabled: true, requestsPerWindow: 1, windowSeconds: 600 } });
  try {
    let res = await h.graph('GET', 'me/calendar');
    for (let i = 0; i < 3 && res.status !== 429; i++) res = await h.graph('GET', 'me/calendar');
    if (res.status !== 429) return fail(c.id, `status: expected 429, got ${res.status}`);
    for (const name of Object.keys(c.response?.headers ?? {})) {
      if (!(name.toLowerCase() in res.headers)) return fail(c.id, `missing header ${name}`);
    }
    const diff = compareShape(c.response?.body, res.json);
    return diff ? fail(c.id, diff) : pass(c.id);
  } finally {
    h.emu.faults.reset({ throttle: { enabled: false } });
  }
}
