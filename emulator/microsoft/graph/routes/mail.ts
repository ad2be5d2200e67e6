// Graph sendMail (/me/sendMail, /users/{id}/sendMail): JSON or MIME, recorded in the emulator's outbox.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmuUser, Principal } from '../../contracts.js';
import type { GraphContext } from '../context.js';
import { GraphHttpError, sendGraphError } from '../errors.js';
import { outboxFor } from '../outbox.js';
import { parseJsonSendMail, parseMimeSendMail } from '../sendmail.js';
import { subscriptionEngine } from '../subscription-engine-registry.js';

export default async function mailRoutes(app: FastifyInstance, ctx: GraphContext): Promise<void> {
  const outbox = outboxFor(ctx.store as unknown as object);

  const send = async (req: FastifyRequest, reply: FastifyReply, userKey: string | null) => {
    try {
      const p = await ctx.authenticate(req.headers.authorization);
      const sender = resolveSender(ctx, p, userKey);
      const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
      const parsed = contentType.startsWith('text/plain')
        ? parseMimeSendMail(typeof req.body === 'string' ? req.body : '')
        : parseJsonSendMail(req.body);
      const id = randomUUID();
      outbox.push({
        id,
        senderUserId: sender.id,
        senderAddress: sender.mail,
        sentAt: new Date(ctx.clock()).toISOString(),
        ...parsed,
      });
      notifyRecipients(
        ctx,
        [...parsed.toRecipients, ...parsed.ccRecipients, ...parsed.bccRecipients].map((r) => r.emailAddress.address),
      );
      return reply.status(202).send();
    } catch (err) {
      if (err instanceof GraphHttpError) return sendGraphError(req, reply, err);
      throw err;
    }
  };

  app.post('/me/sendMail', (req, reply) => send(req, reply, null));
  app.post('/users/:id/sendMail', (req, reply) => send(req, reply, (req.params as { id: string }).id));
}

/** The mailbox that sends: the signed-in user for /me, else the addressed user if the caller may send as it. */
function resolveSender(ctx: GraphContext, p: Principal, userKey: string | null): EmuUser {
  if (userKey === null && (p.kind !== 'delegated' || !p.userId)) {
    throw new GraphHttpError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
  }
  const user = ctx.directory.getUser(userKey ?? p.userId ?? '');
  if (!user || user.tenantId !== p.tenantId) {
    throw new GraphHttpError(404, 'ErrorInvalidUser', `The requested user '${userKey ?? ''}' is invalid.`);
  }
  if (user.mailbox === 'onPremises') {
    throw new GraphHttpError(
      404,
      'MailboxNotEnabledForRESTAPI',
      'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
    );
  }
  if (!p.scopes.has('Mail.Send'))
    throw new GraphHttpError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
  if (p.kind === 'delegated' && user.id !== p.userId) {
    throw new GraphHttpError(
      403,
      'ErrorSendAsDenied',
      'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account.',
    );
  }
  return user;
}

/** Mail to mailboxes of the emulated directory lands in their Inbox: message subscriptions hear of it. */
function notifyRecipients(ctx: GraphContext, addresses: string[]): void {
  const engine = subscriptionEngine(ctx);
  const seen = new Set<string>();
  for (const address of addresses) {
    const user = ctx.directory.getUser(address);
    if (!user || seen.has(user.id)) continue;
    seen.add(user.id);
    engine.handleChange({
      kind: 'message',
      userId: user.id,
      containerId: 'Inbox',
      isDefaultContainer: true,
      itemId: `AAMkA${randomBytes(30).toString('base64url')}AAA=`,
      changeType: 'created',
      changeKey: randomBytes(16).toString('base64'),
    });
  }
}
