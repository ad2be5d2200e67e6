// Gmail API `users.messages.send` (POST /gmail/v1/users/{userId}/messages/send): an RFC 2822 message, base64url in
// `raw`, sent as the signed-in user; the emulator keeps what was sent in an outbox readable at /_emulator/outbox
// (as the Microsoft emulator keeps sendMail's). Scopes: mail.google.com, gmail.modify, gmail.compose or gmail.send.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { GoogleApiError, insufficientScopes, sendGoogleError, unauthorized } from './errors.js';
import type { GoogleFaults } from './faults.js';
import { SCOPE_PREFIX, type AccessToken, type OAuthState } from './oauth.js';

const SEND_SCOPES = [
  'https://mail.google.com/',
  ...['gmail.modify', 'gmail.compose', 'gmail.send', 'gmail.addons.current.action.compose'].map(
    (s) => SCOPE_PREFIX + s,
  ),
];

/** One message accepted by messages.send. */
export interface GmailSentMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  /** The authenticated sender (Gmail sends as the signed-in user). */
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  /** Decoded text/plain and text/html parts (null when the message has none). */
  text: string | null;
  html: string | null;
  /** The RFC 2822 message as received (decoded from base64url). */
  mime: string;
  sentAt: string;
}

/** What the emulator sent, oldest first. */
export class GmailOutbox {
  readonly sent: GmailSentMessage[] = [];
  clear(): void {
    this.sent.length = 0;
  }
}

const invalid = (message: string) => new GoogleApiError(400, 'invalidArgument', message);

/** Header block → lower-cased name → value (folded lines joined). */
function headersOf(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}

/** RFC 2047 encoded words (=?UTF-8?B?…?= and =?UTF-8?Q?…?=) → text. */
function decodeWords(s: string): string {
  return s.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g, (_m, _cs: string, enc: string, data: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(
          data
            .replace(/_/g, ' ')
            .replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

const addresses = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((a) => (/<([^>]+)>/.exec(a)?.[1] ?? a).trim().toLowerCase())
    .filter((a) => /^[^@\s]+@[^@\s]+$/.test(a));

function decodeBody(body: string, encoding: string | undefined): string {
  const enc = (encoding ?? '7bit').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable')
    return Buffer.from(
      body
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  return body;
}

/** The text and HTML parts of a single-part or multipart message. */
function partsOf(headers: Map<string, string>, body: string): { text: string | null; html: string | null } {
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const out: { text: string | null; html: string | null } = { text: null, html: null };
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      const sep = /\r?\n\r?\n/.exec(chunk);
      if (!sep) continue;
      const h = headersOf(chunk.slice(0, sep.index).replace(/^\r?\n/, ''));
      const sub = partsOf(h, chunk.slice(sep.index + sep[0].length).replace(/\r?\n$/, ''));
      out.text ??= sub.text;
      out.html ??= sub.html;
    }
    return out;
  }
  const decoded = decodeBody(body, headers.get('content-transfer-encoding'));
  return /^text\/html/i.test(type) ? { text: null, html: decoded } : { text: decoded, html: null };
}

export interface GmailDeps {
  oauth: OAuthState;
  faults: GoogleFaults;
  outbox: GmailOutbox;
  now: () => number;
}

/** The Gmail API routes (their own auth: the Calendar API's hook does not cover them). */
export async function gmailRoutes(app: FastifyInstance, deps: GmailDeps): Promise<void> {
  app.addHook('onRequest', async (req, reply) => {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const t = token ? deps.oauth.lookup(token) : null;
    if (!t) return sendGoogleError(reply, unauthorized());
    req.googleToken = t;
    const fault = deps.faults.check(t.user);
    if (fault) return sendGoogleError(reply, fault.error);
  });
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof GoogleApiError) return sendGoogleError(reply, err);
    if ((err as { statusCode?: number }).statusCode === 400) return sendGoogleError(reply, invalid('Parse Error'));
    return sendGoogleError(reply, new GoogleApiError(500, 'backendError', 'Backend Error'));
  });
  app.post('/gmail/v1/users/:userId/messages/send', async (req) => {
    const t: AccessToken = req.googleToken!;
    if (!t.scopes.some((s) => SEND_SCOPES.includes(s))) throw insufficientScopes();
    const userId = decodeURIComponent((req.params as { userId: string }).userId).toLowerCase();
    if (userId !== 'me' && userId !== t.user)
      throw new GoogleApiError(403, 'forbidden', `Delegation denied for ${t.user}`);
    const raw = (req.body as { raw?: unknown } | null)?.raw;
    if (typeof raw !== 'string' || raw === '') throw invalid("Invalid value at 'message.raw' (TYPE_BYTES)");
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(raw))
      throw invalid("Invalid value at 'message.raw' (TYPE_BYTES), Base64 decoding failed");
    const mime = Buffer.from(raw, 'base64url').toString('utf8');
    const sep = /\r?\n\r?\n/.exec(mime);
    const headers = headersOf(sep ? mime.slice(0, sep.index) : mime);
    const to = addresses(headers.get('to'));
    const cc = addresses(headers.get('cc'));
    const bcc = addresses(headers.get('bcc'));
    if (to.length + cc.length + bcc.length === 0) throw invalid('Recipient address required');
    const { text, html } = partsOf(headers, sep ? mime.slice(sep.index + sep[0].length) : '');
    const id = randomBytes(8).toString('hex');
    deps.outbox.sent.push({
      id,
      threadId: id,
      labelIds: ['SENT'],
      from: t.user,
      to,
      cc,
      bcc,
      subject: decodeWords(headers.get('subject') ?? ''),
      text,
      html,
      mime,
      sentAt: new Date(deps.now()).toISOString(),
    });
    return { id, threadId: id, labelIds: ['SENT'] };
  });
}

/** `GET /_emulator/outbox` (what Gmail sent, `?from=` one sender) and `DELETE /_emulator/outbox`. */
export async function gmailAdminRoutes(app: FastifyInstance, outbox: GmailOutbox): Promise<void> {
  app.get('/outbox', async (req) => {
    const from = (req.query as { from?: string }).from?.toLowerCase();
    return { messages: outbox.sent.filter((m) => !from || m.from === from) };
  });
  app.delete('/outbox', async (_req, reply) => {
    outbox.clear();
    return reply.code(204).send();
  });
}
