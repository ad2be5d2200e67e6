// People search for the scheduler's attendee picker: colleagues, the provider directory's people and customers'
// stakeholders as the organizer types.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
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
    kind: Type.Union([Type.Literal('colleague'), Type.Literal('directory'), Type.Literal('stakeholder')], {
      description:
        "colleague: a calbridge user of your organisation; directory: a person of your connected mailbox's organisation directory (Microsoft Graph / Google Workspace) who is not a calbridge user; stakeholder: a contact of one of your customers",
    }),
    customerId: Type.Union([Type.String(), Type.Null()]),
    customerName: Type.Union([Type.String(), Type.Null()]),
    role: Type.Union([Type.String(), Type.Null()]),
    jobTitle: Type.Union([Type.String(), Type.Null()], { description: "The job title in the provider's directory" }),
  },
  { $id: 'DirectoryPerson' },
);

const ProviderSource = Type.Object(
  {
    status: Type.Union(
      [
        Type.Literal('ok'),
        Type.Literal('not_connected'),
        Type.Literal('reconnect_required'),
        Type.Literal('scope_missing'),
        Type.Literal('timeout'),
        Type.Literal('unavailable'),
        Type.Literal('unsupported'),
      ],
      {
        description:
          "ok: the provider's directory was searched; otherwise the answer holds calbridge's own people only, and this says why (no calendar connected, the connection needs to be renewed, the grant lacks the directory permission — reconnect to grant `missingScope` —, no answer within the time limit, the provider failed, or it has no directory)",
      },
    ),
    provider: Type.Union([Type.Literal('MICROSOFT'), Type.Literal('GOOGLE'), Type.Null()]),
    missingScope: Type.Union([Type.String(), Type.Null()]),
    connectUrl: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'DirectoryProviderSource' },
);

export function directoryRoutes(service: SchedulingService): RouteModule {
  return async (untyped: FastifyInstance) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(Person);
    app.addSchema(ProviderSource);
    app.get(
      '/api/directory/people',
      {
        schema: {
          tags: ['directory'],
          summary:
            "People to invite whose name (any word) or address starts with q: your organisation's calbridge users first, then the people of your connected mailbox's organisation directory (Microsoft Graph user search, Google Workspace directory), then your customers' stakeholders; each address once (tenant-scoped)",
          description:
            "The provider's directory is searched through the caller's own calendar connection, with a short time limit so typing stays fast; when it cannot be searched (no connection, the grant lacks User.ReadBasic.All or directory.readonly, no answer in time) the answer still holds calbridge's own people, and `sources.provider` says why.",
          querystring: Query,
          response: {
            200: Type.Object({
              items: Type.Array(Type.Ref('DirectoryPerson')),
              sources: Type.Object({ calbridge: Type.Literal('ok'), provider: Type.Ref('DirectoryProviderSource') }),
            }),
            ...errors(),
          },
        },
      },
      async (req) => {
        const q = req.query;
        return service.directory(actorOf(req), q.q, q.limit ?? 10);
      },
    );
  };
}
