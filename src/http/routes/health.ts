// Liveness and readiness: /healthz answers while the process runs, /readyz when the database is reachable.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../domain/errors.js';
import type { AppDeps } from '../app-deps.js';

export default async function healthRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get(
    '/healthz',
    { schema: { tags: ['health'], security: [], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        security: [],
        response: {
          200: Type.Object({ status: Type.Literal('ready'), database: Type.Literal('ok') }),
          503: Type.Ref('ErrorResponse'),
        },
      },
    },
    async () => {
      if (!(await deps.isDatabaseReady())) throw new AppError('database_unavailable');
      return { status: 'ready' as const, database: 'ok' as const };
    },
  );
}
