// Canonical paths and their deprecated aliases: one route definition (schema, hooks, handler) registered at the
// canonical path and at the alias. The alias behaves identically (same validation, handler, status and body); it is
// documented in OpenAPI as a deprecated operation naming its canonical path, and answers with `Deprecation: true` and
// `Link: <canonical>; rel="successor-version"`. Policy: docs/api.md.
import type {
  ContextConfigDefault,
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  FastifyTypeProvider,
  FastifyTypeProviderDefault,
  HTTPMethods,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
  RouteOptions,
  RouteShorthandOptions,
} from 'fastify';

/** The calendar API's canonical, provider-neutral prefix. */
export const CALENDAR_PREFIX = '/api/calendar';
/** The calendar API's historical prefix (it serves Google users too), kept as a deprecated alias of CALENDAR_PREFIX. */
export const OUTLOOK_CALENDAR_ALIAS_PREFIX = '/api/outlook/calendar';

/** Where a family of routes lives (`canonical`) and the older prefix that keeps answering (`alias`). */
export interface AliasPrefixes {
  canonical: string;
  alias: string;
}

export const CALENDAR_PREFIXES: AliasPrefixes = { canonical: CALENDAR_PREFIX, alias: OUTLOOK_CALENDAR_ALIAS_PREFIX };

/** An instance with any type provider (the routes' modules use `withTypeProvider<TypeBoxTypeProvider>()`). */
type AnyInstance<TypeProvider extends FastifyTypeProvider> = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeProvider
>;

/** The options of a route on an instance with that type provider. */
type AliasedRoute<
  TypeProvider extends FastifyTypeProvider,
  RouteGeneric extends RouteGenericInterface,
  ContextConfig,
  SchemaCompiler extends FastifySchema,
> = RouteOptions<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  RouteGeneric,
  ContextConfig,
  SchemaCompiler,
  TypeProvider
>;

/**
 * One method of aliasedRoutes: typed like `app.get(url, opts, handler)` on the instance it was made from, so that with
 * a type provider the handler's request (body, querystring, params, headers) is typed from the route's schema.
 */
type Add<TypeProvider extends FastifyTypeProvider> = <
  RouteGeneric extends RouteGenericInterface = RouteGenericInterface,
  ContextConfig = ContextConfigDefault,
  const SchemaCompiler extends FastifySchema = FastifySchema,
>(
  url: `/${string}`,
  opts: RouteShorthandOptions<
    RawServerDefault,
    RawRequestDefaultExpression,
    RawReplyDefaultExpression,
    RouteGeneric,
    ContextConfig,
    SchemaCompiler,
    TypeProvider
  >,
  handler: RouteHandlerMethod<
    RawServerDefault,
    RawRequestDefaultExpression,
    RawReplyDefaultExpression,
    RouteGeneric,
    ContextConfig,
    SchemaCompiler,
    TypeProvider
  >,
) => void;

const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** The canonical URL of the resource an alias request addressed (the route's path with its parameters filled in). */
function successorOf(canonicalTemplate: string, req: FastifyRequest): string {
  const params = (req.params ?? {}) as Record<string, unknown>;
  return canonicalTemplate.replace(/:(\w+)/g, (m, name: string) =>
    typeof params[name] === 'string' ? encodeURIComponent(params[name]) : m,
  );
}

/**
 * Registers `route` (its `url` relative to the prefixes) at `canonical + url` and at `alias + url`.
 * @example routeWithAlias(app, { method: 'GET', url: '/events', schema, handler }, CALENDAR_PREFIXES)
 */
export function routeWithAlias<
  TypeProvider extends FastifyTypeProvider = FastifyTypeProviderDefault,
  RouteGeneric extends RouteGenericInterface = RouteGenericInterface,
  ContextConfig = ContextConfigDefault,
  SchemaCompiler extends FastifySchema = FastifySchema,
>(
  app: AnyInstance<TypeProvider>,
  route: AliasedRoute<TypeProvider, RouteGeneric, ContextConfig, SchemaCompiler> & { url: `/${string}` },
  prefixes: AliasPrefixes,
): void {
  const canonical = `${prefixes.canonical}${route.url}`;
  const alias = `${prefixes.alias}${route.url}`;
  app.route({ ...route, url: canonical });
  const methods = list<HTTPMethods>(route.method).join('/');
  const documented = canonical.replace(/:(\w+)/g, '{$1}');
  const note = `Deprecated alias of \`${methods} ${documented}\`: the same operation (request, response and errors). Use the canonical path; aliases answer with a \`Deprecation\` header and are kept as docs/api.md says.`;
  const markDeprecated = async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    void reply
      .header('deprecation', 'true')
      .header('link', `<${successorOf(canonical, req)}>; rel="successor-version"`);
    return payload;
  };
  app.route({
    ...route,
    url: alias,
    schema: {
      ...route.schema,
      deprecated: true,
      description: route.schema?.description ? `${note}\n\n${route.schema.description}` : note,
    } as SchemaCompiler,
    onSend: [...list(route.onSend), markDeprecated] as AliasedRoute<
      TypeProvider,
      RouteGeneric,
      ContextConfig,
      SchemaCompiler
    >['onSend'],
  });
}

/**
 * `app.get/post/put/patch/delete` for a family of aliased routes: each call registers the canonical route and its
 * deprecated alias through routeWithAlias.
 * @example const cal = aliasedRoutes(app, CALENDAR_PREFIXES); cal.get('/rooms', { schema }, handler);
 */
export function aliasedRoutes<TypeProvider extends FastifyTypeProvider = FastifyTypeProviderDefault>(
  app: AnyInstance<TypeProvider>,
  prefixes: AliasPrefixes,
) {
  const add =
    (method: HTTPMethods): Add<TypeProvider> =>
    (url, opts, handler) =>
      routeWithAlias(app, { ...opts, method, url, handler }, prefixes);
  return { get: add('GET'), post: add('POST'), put: add('PUT'), patch: add('PATCH'), delete: add('DELETE') };
}
