// People search for the scheduler's attendee picker: colleagues and customers' stakeholders as the organizer types.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { SchedulingService } from '../../services/scheduling/scheduling-service.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../app-deps.js';
import { errors } from '../schemas.js';

const Query = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 100, description: 'The start of a name, a word of it, or an address' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 25, default: 10 })),
  },
  { additionalProperties: false },
);

const Person = Type.Object(
  {
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    kind: Type.Union([Type.Literal('colleague'), Type.Literal('stakeholder')]),
    customerId: Type.Union([Type.String(), Type.Null()]),
    customerName: Type.Union([Type.String(), Type.Null()]),
    role: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'DirectoryPerson' },
);

export function directoryRoutes(service: SchedulingService): RouteModule {
  return async (app: FastifyInstance) => {
    app.addSchema(Person);
    app.get(
      '/api/directory/people',
      {
        schema: {
          tags: ['directory'],
          summary:
            "People to invite whose name (any word) or address starts with q: your organisation's calbridge users first, then your customers' stakeholders (tenant-scoped)",
          querystring: Query,
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('DirectoryPerson')) }), ...errors() },
        },
      },
      async (req) => {
        const q = req.query as Static<typeof Query>;
        return { items: await service.directory(actorOf(req), q.q, q.limit ?? 10) };
      },
    );
  };
}
