// Webhook delivery for the subscription engine: validation handshake, POST with timeout, retries, faults.
import { randomBytes } from 'node:crypto';
import { rootCertificates as tlsRootCertificates } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';

/** One fault rule: applies with `probability` (default 1) while `remaining` (default unlimited) lasts. */
export interface FaultRule {
  probability?: number;
  remaining?: number;
}

/**
 * Faults applied to change-notification deliveries (not to validation handshakes):
 * `drop` loses a notification silently, `duplicate` posts it twice, `reorder` holds it back until the
 * next one was posted (or `reorder.holdMs`, default 1000 ms, passed), `delay` waits `delay.ms` first.
 */
export interface WebhookFaults {
  drop?: FaultRule;
  duplicate?: FaultRule;
  reorder?: FaultRule & { holdMs?: number };
  delay?: FaultRule & { ms: number };
}

export interface DeliveryOptions {
  /** PEM of a CA to trust in addition to the system store (the emulator's own CA). */
  caPem?: string;
  /** Per-attempt timeout of a notification POST (Graph: 3 s). */
  timeoutMs: number;
  /** Timeout of the validation handshake (Graph: 10 s). */
  validationTimeoutMs: number;
  /** Waits before each retry; the number of entries is the number of retries. */
  retryDelaysMs: number[];
  random: () => number;
}

export interface PostResult {
  ok: boolean;
  /** HTTP status, or 0 when the request failed (network error, timeout). */
  status: number;
  attempts: number;
  /** True when a `drop` fault swallowed the notification. */
  dropped?: boolean;
}

/** Posts JSON payloads to webhook endpoints, with retries and the configured faults. */
export class WebhookClient {
  faults: WebhookFaults = {};
  private readonly agent: Agent;
  private held: { url: string; body: unknown; timer: NodeJS.Timeout; onDone: (r: PostResult) => void } | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly opts: DeliveryOptions) {
    this.agent = new Agent({ connect: opts.caPem ? { ca: [...defaultCas(), opts.caPem] } : {} });
  }

  /**
   * Validation handshake: POST `url?validationToken=<token>`; the endpoint must answer 200 with the
   * decoded token as text within the validation timeout. Returns null on success, else the reason.
   */
  async validate(url: string): Promise<string | null> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomBytes(16).toString('hex')}`;
    const target = new URL(url);
    target.searchParams.set('validationToken', token);
    try {
      const res = await undiciFetch(target, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: '',
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.opts.validationTimeoutMs),
      });
      const text = await res.text();
      if (res.status !== 200) return 'Notification endpoint must respond with 200 OK to validation request.';
      if (text !== token) return 'Response must exactly match validationToken query parameter.';
      return null;
    } catch (err) {
      if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
        return 'Subscription validation request timed out.';
      }
      return 'Notification endpoint must respond with 200 OK to validation request.';
    }
  }

  /**
   * Posts a change notification, applying faults. Resolves once this call's share of the work is done
   * (a held-back notification resolves at once); `onResult` receives each final outcome.
   */
  async notify(url: string, body: unknown, onResult: (r: PostResult) => void): Promise<void> {
    const f = this.faults;
    if (this.applies(f.delay)) await this.sleep(f.delay?.ms ?? 0);
    if (this.applies(f.drop)) {
      onResult({ ok: false, status: 0, attempts: 0, dropped: true });
      return;
    }
    if (!this.held && this.applies(f.reorder)) {
      const timer = setTimeout(() => void this.releaseHeld(), f.reorder?.holdMs ?? 1000);
      timer.unref();
      this.held = { url, body, timer, onDone: onResult };
      return;
    }
    onResult(await this.postWithRetry(url, body));
    if (this.applies(f.duplicate)) onResult(await this.postWithRetry(url, body));
    await this.releaseHeld();
  }

  /** Posts a payload (lifecycle notifications too) with the retry schedule and no faults. */
  async postWithRetry(url: string, body: unknown): Promise<PostResult> {
    let status = 0;
    for (let attempt = 0; attempt <= this.opts.retryDelaysMs.length; attempt++) {
      if (this.closed) break;
      if (attempt > 0) await this.sleep(this.opts.retryDelaysMs[attempt - 1] ?? 0);
      status = await this.postOnce(url, body);
      if (status >= 200 && status < 300) return { ok: true, status, attempts: attempt + 1 };
      // Graph retries on 5xx, timeouts and network errors; a 4xx means the endpoint refuses it.
      if (status >= 400 && status < 500 && status !== 429) return { ok: false, status, attempts: attempt + 1 };
    }
    return { ok: false, status, attempts: this.opts.retryDelaysMs.length + 1 };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.held) {
      clearTimeout(this.held.timer);
      this.held.onDone({ ok: false, status: 0, attempts: 0 });
      this.held = null;
    }
    await this.agent.close();
  }

  private async releaseHeld(): Promise<void> {
    const h = this.held;
    if (!h) return;
    this.held = null;
    clearTimeout(h.timer);
    h.onDone(await this.postWithRetry(h.url, h.body));
  }

  private async postOnce(url: string, body: unknown): Promise<number> {
    try {
      const res = await undiciFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  private applies(rule: FaultRule | undefined): boolean {
    if (!rule) return false;
    if (rule.remaining !== undefined && rule.remaining <= 0) return false;
    if (rule.probability !== undefined && this.opts.random() >= rule.probability) return false;
    if (rule.remaining !== undefined) rule.remaining -= 1;
    return true;
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }
}

function defaultCas(): string[] {
  // Keep the system roots when adding the emulator CA (undici replaces them when `ca` is given).
  return [...tlsRootCertificates];
}
