// Graph /subscriptions routes (create, list, get, renew, delete, reauthorize) on the shared subscription engine.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GraphContext } from '../context.js';
import { GraphHttpError, sendGraphError } from '../errors.js';
import { subscriptionEngine } from '../subscription-engine-registry.js';

export default async function subscriptionRoutes(app: FastifyInstance, ctx: GraphContext): Promise<void> {
  const engine = subscriptionEngine(ctx);
  app.addHook('onClose', async () => engine.close());
  const context = () => `${ctx.baseUrl()}/v1.0/$metadata#subscriptions`;
  const handle =
    (fn: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      try {
        return await fn(req, reply);
      } catch (err) {
        if (err instanceof GraphHttpError) return sendGraphError(req, reply, err);
        throw err;
      }
    };
  const idOf = (req: FastifyRequest) => (req.params as { id: string }).id;

  app.post(
    '/subscriptions',
    handle(async (req, reply) => {
      const p = await ctx.authenticate(req.headers.authorization);
      const immutableIds = /\bIdType\s*=\s*"?ImmutableId"?/i.test(String(req.headers.prefer ?? ''));
      const rec = await engine.create(p, req.body, { immutableIds });
      if (immutableIds) void reply.header('Preference-Applied', 'IdType="ImmutableId"');
      return reply.status(201).send({ '@odata.context': `${context()}/$entity`, ...engine.toGraph(rec) });
    }),
  );

  app.get(
    '/subscriptions',
    handle(async (req, reply) => {
      const p = await ctx.authenticate(req.headers.authorization);
      return reply.send({ '@odata.context': context(), value: engine.list(p).map((s) => engine.toGraph(s)) });
    }),
  );

  app.get(
    '/subscriptions/:id',
    handle(async (req, reply) => {
      const p = await ctx.authenticate(req.headers.authorization);
      return reply.send({ '@odata.context': `${context()}/$entity`, ...engine.toGraph(engine.get(p, idOf(req))) });
    }),
  );

  app.patch(
    '/subscriptions/:id',
    handle(async (req, reply) => {
      const p = await ctx.authenticate(req.headers.authorization);
      const rec = engine.renew(p, idOf(req), req.body);
      return reply.send({ '@odata.context': `${context()}/$entity`, ...engine.toGraph(rec) });
    }),
  );

  app.delete(
    '/subscriptions/:id',
    handle(async (req, reply) => {
      const p = await ctx.authenticate(req.headers.authorization);
      engine.remove(p, idOf(req));
      return reply.status(204).send();
    }),
  );

  app.post(
    '/subscriptions/:id/reauthorize',
    handle(async (req, reply) => {
      const p = await ctx.authenticate(req.headers.authorization);
      engine.reauthorize(p, idOf(req));
      return reply.status(204).send();
    }),
  );
}
