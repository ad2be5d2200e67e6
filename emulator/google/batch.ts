// Google's HTTP batch endpoint for the Calendar API: POST /batch/calendar/v3 with a multipart/mixed body whose parts
// are `application/http` requests. Each part runs as a request of its own (the outer Authorization applies unless the
// part names one) and the answers come back in order in a multipart/mixed body, each with `Content-ID: response-<id>`.
// A part that changes an event another part of the same batch already changed is answered 409 `conflict`, as Google
// does for conflicting batched items.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { GoogleApiError, badRequest, sendGoogleError } from './errors.js';

/** Google's limit of calls in one batch request. */
export const MAX_BATCH_CALLS = 1000;

export interface MultipartPart {
  headers: Record<string, string>;
  body: string;
}

/** An HTTP message inside a part: a request line (`GET /path HTTP/1.1`) or a status line (`HTTP/1.1 200 OK`). */
export interface HttpMessage {
  startLine: string;
  headers: Record<string, string>;
  body: string;
}

const CRLF = /\r?\n/;

function splitHead(text: string): { head: string[]; body: string } {
  const m = /\r?\n\r?\n/.exec(text);
  if (!m) return { head: text.split(CRLF).filter(Boolean), body: '' };
  return { head: text.slice(0, m.index).split(CRLF), body: text.slice(m.index + m[0].length) };
}

function headerMap(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) out[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return out;
}

/** The boundary of a `multipart/mixed; boundary=…` content type, or null. */
export function boundaryOf(contentType: string | undefined): string | null {
  const m = /boundary="?([^";]+)"?/i.exec(contentType ?? '');
  return contentType?.toLowerCase().startsWith('multipart/mixed') && m ? m[1]! : null;
}

/** The parts of a multipart body (preamble and epilogue dropped). */
export function splitMultipart(body: string, boundary: string): MultipartPart[] {
  const parts: MultipartPart[] = [];
  const chunks = body.split(`--${boundary}`);
  for (const chunk of chunks.slice(1)) {
    if (chunk.startsWith('--')) break;
    const { head, body: partBody } = splitHead(chunk.replace(/^\r?\n/, ''));
    parts.push({ headers: headerMap(head), body: partBody.replace(/\r?\n$/, '') });
  }
  return parts;
}

/** The HTTP message carried by an `application/http` part. */
export function parseHttpMessage(text: string): HttpMessage {
  const { head, body } = splitHead(text);
  return { startLine: head[0] ?? '', headers: headerMap(head.slice(1)), body: body.replace(/\r?\n$/, '') };
}

const EVENT_PATH = /^\/calendar\/v3\/calendars\/[^/]+\/events\/[^/?]+/;

export async function batchRoutes(app: FastifyInstance, root: () => FastifyInstance): Promise<void> {
  app.addContentTypeParser('multipart/mixed', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.post('/batch/calendar/v3', async (req, reply) => {
    const boundary = boundaryOf(req.headers['content-type']);
    if (!boundary || typeof req.body !== 'string')
      return sendGoogleError(reply, badRequest('Invalid multipart request'));
    const parts = splitMultipart(req.body, boundary);
    if (parts.length === 0) return sendGoogleError(reply, badRequest('Invalid multipart request with 0 mime parts.'));
    if (parts.length > MAX_BATCH_CALLS)
      return sendGoogleError(reply, badRequest(`A batch request may hold at most ${MAX_BATCH_CALLS} calls.`));
    const changed = new Set<string>();
    const answers: string[] = [];
    const out = `batch_${randomBytes(9).toString('base64url')}`;
    for (const [i, part] of parts.entries()) {
      const inner = parseHttpMessage(part.body);
      const [method = '', target = ''] = inner.startLine.split(' ');
      const path = target.replace(/^https?:\/\/[^/]+/, '');
      const contentId = (part.headers['content-id'] ?? `<item${i + 1}>`).replace(/^<|>$/g, '');
      let status: number;
      let body: string;
      const event = EVENT_PATH.exec(path)?.[0];
      if (event && method !== 'GET' && changed.has(event)) {
        const e = new GoogleApiError(409, 'conflict', 'Conflict');
        status = e.status;
        body = JSON.stringify(e.body());
      } else {
        if (event && method !== 'GET') changed.add(event);
        const headers: Record<string, string> = { ...inner.headers };
        if (!headers.authorization && req.headers.authorization) headers.authorization = req.headers.authorization;
        const res = await root().inject({
          method: method as 'GET',
          url: path,
          headers,
          ...(inner.body ? { payload: inner.body } : {}),
        });
        status = res.statusCode;
        body = res.body;
      }
      answers.push(
        [
          `--${out}`,
          'Content-Type: application/http',
          `Content-ID: <response-${contentId}>`,
          '',
          `HTTP/1.1 ${status} ${status < 300 ? 'OK' : status === 409 ? 'Conflict' : 'Error'}`,
          'Content-Type: application/json; charset=UTF-8',
          '',
          body,
        ].join('\r\n'),
      );
    }
    return reply
      .header('content-type', `multipart/mixed; boundary=${out}`)
      .send(`${answers.join('\r\n')}\r\n--${out}--\r\n`);
  });
}
