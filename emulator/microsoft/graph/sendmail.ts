// sendMail request parsing: JSON message (with saveToSentItems) or base64 MIME, validated like Exchange does.
import { GraphHttpError } from './errors.js';
import type { OutboxMessage, Recipient } from './outbox.js';

export type ParsedMail = Omit<OutboxMessage, 'id' | 'senderUserId' | 'senderAddress' | 'sentAt'>;

const bad = (code: string, message: string) => new GraphHttpError(400, code, message);

/** Parses a JSON sendMail body: `{ message, saveToSentItems? }`. */
export function parseJsonSendMail(body: unknown): ParsedMail {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw bad('ErrorInvalidRequest', 'The request body must be a JSON object.');
  const b = body as Record<string, unknown>;
  const msg = b.message;
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) {
    throw bad('ErrorInvalidParameter', "The value of the parameter 'Message' is empty.");
  }
  const m = msg as Record<string, unknown>;
  const save = parseBool(b.saveToSentItems ?? true);
  const toRecipients = recipients(m.toRecipients, 'toRecipients');
  const ccRecipients = recipients(m.ccRecipients, 'ccRecipients');
  const bccRecipients = recipients(m.bccRecipients, 'bccRecipients');
  requireRecipients(toRecipients.length + ccRecipients.length + bccRecipients.length);
  const headers = internetHeaders(m.internetMessageHeaders);
  const rawBody = (m.body ?? {}) as Record<string, unknown>;
  const contentType = typeof rawBody.contentType === 'string' ? rawBody.contentType.toLowerCase() : 'text';
  if (contentType !== 'text' && contentType !== 'html') {
    throw bad(
      'ErrorInvalidParameter',
      `Invalid body contentType '${String(rawBody.contentType)}'; expected Text or HTML.`,
    );
  }
  if (m.subject !== undefined && m.subject !== null && typeof m.subject !== 'string') {
    throw bad('ErrorInvalidParameter', 'subject must be a string.');
  }
  return {
    subject: (m.subject as string | undefined) ?? '',
    body: { contentType, content: typeof rawBody.content === 'string' ? rawBody.content : '' },
    toRecipients,
    ccRecipients,
    bccRecipients,
    internetMessageHeaders: headers,
    message: m,
    mime: null,
    saveToSentItems: save,
  };
}

/** Parses a MIME sendMail body (base64 of an RFC 822 message, sent as text/plain). */
export function parseMimeSendMail(raw: string): ParsedMail {
  const compact = raw.replace(/\s+/g, '');
  if (!compact || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw bad('ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
  }
  const mime = Buffer.from(compact, 'base64').toString('utf8');
  const headers = mimeHeaders(mime);
  if (!headers.size) throw bad('ErrorMimeContentInvalid', 'The MIME content is invalid: no header section.');
  const list = (name: string) => addresses(headers.get(name) ?? '');
  const toRecipients = list('to');
  const ccRecipients = list('cc');
  const bccRecipients = list('bcc');
  requireRecipients(toRecipients.length + ccRecipients.length + bccRecipients.length);
  return {
    subject: headers.get('subject') ?? '',
    body: {
      contentType: /text\/html/i.test(headers.get('content-type') ?? '') ? 'html' : 'text',
      content: mime
        .split(/\r?\n\r?\n/)
        .slice(1)
        .join('\n\n'),
    },
    toRecipients,
    ccRecipients,
    bccRecipients,
    internetMessageHeaders: [...headers].filter(([k]) => k.startsWith('x-')).map(([name, value]) => ({ name, value })),
    message: null,
    mime,
    saveToSentItems: true,
  };
}

function parseBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  // OData accepts the literals in a string as well (the docs' own example sends "false").
  if (v === 'true' || v === 'false') return v === 'true';
  throw bad('ErrorInvalidParameter', 'saveToSentItems must be a Boolean.');
}

function recipients(v: unknown, name: string): Recipient[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad('ErrorInvalidParameter', `${name} must be an array of recipients.`);
  return v.map((r) => {
    const addr = (r as { emailAddress?: { address?: unknown; name?: unknown } } | null)?.emailAddress;
    if (!addr || typeof addr.address !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(addr.address)) {
      throw bad('ErrorInvalidRecipients', "At least one recipient isn't valid.");
    }
    return { emailAddress: { address: addr.address, ...(typeof addr.name === 'string' ? { name: addr.name } : {}) } };
  });
}

function requireRecipients(n: number): void {
  if (n === 0)
    throw bad(
      'ErrorInvalidRecipients',
      "At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
    );
}

function internetHeaders(v: unknown): Array<{ name: string; value: string }> {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad('ErrorInvalidParameter', 'internetMessageHeaders must be an array.');
  return v.map((h) => {
    const { name, value } = (h ?? {}) as { name?: unknown; value?: unknown };
    if (typeof name !== 'string' || typeof value !== 'string')
      throw bad('ErrorInvalidParameter', 'Each internet message header needs a name and a value.');
    if (!/^x-/i.test(name)) {
      throw bad(
        'InvalidInternetMessageHeader',
        `The internet message header name '${name}' should start with 'x-' or 'X-'.`,
      );
    }
    return { name, value };
  });
}

/** Top-level MIME headers, lower-cased names, folded lines joined. */
function mimeHeaders(mime: string): Map<string, string> {
  const head = mime.split(/\r?\n\r?\n/)[0] ?? '';
  const out = new Map<string, string>();
  let last: string | null = null;
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last) out.set(last, `${out.get(last) ?? ''} ${line.trim()}`);
    else {
      const i = line.indexOf(':');
      if (i <= 0) continue;
      last = line.slice(0, i).trim().toLowerCase();
      out.set(last, line.slice(i + 1).trim());
    }
  }
  return out;
}

function addresses(header: string): Recipient[] {
  if (!header.trim()) return [];
  return header.split(',').map((part) => {
    const m = /^(.*)<([^>]+)>\s*$/.exec(part.trim());
    const address = (m?.[2] ?? part).trim();
    const name = m?.[1]?.trim().replace(/^"|"$/g, '');
    if (!/^[^@\s]+@[^@\s]+$/.test(address)) throw bad('ErrorInvalidRecipients', "At least one recipient isn't valid.");
    return { emailAddress: { address, ...(name ? { name } : {}) } };
  });
}
