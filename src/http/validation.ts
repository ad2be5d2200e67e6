// Request validation: strict bodies (no type coercion), coerced query strings and params, shared schemas in both.
// Every string a request carries — each `type: "string"` value and each key of an object — is refused when it holds a
// NUL character (PostgreSQL refuses \u0000 in text and jsonb) or an unpaired UTF-16 surrogate (not representable in
// UTF-8): the `wellFormedText` keyword is added to every such schema node here, once, for every route.
import { Ajv, type AnySchema, type SchemaValidateFunction, type ValidateFunction } from 'ajv';
import addFormatsPkg from 'ajv-formats';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';
import { isWellFormedText } from '../domain/text.js';

const addFormats = addFormatsPkg as unknown as (ajv: Ajv) => Ajv;

export { isWellFormedText };

const KEYWORD = 'wellFormedText';
const MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  addFormats(ajv);
  const check: SchemaValidateFunction = (_schema: boolean, data: unknown): boolean => {
    const bad =
      typeof data === 'string'
        ? !isWellFormedText(data)
        : data !== null && typeof data === 'object' && Object.keys(data).some((k) => !isWellFormedText(k));
    if (bad) check.errors = [{ keyword: KEYWORD, message: MESSAGE, params: {} }];
    return !bad;
  };
  ajv.addKeyword({
    keyword: KEYWORD,
    type: ['string', 'object'],
    schemaType: 'boolean',
    errors: true,
    validate: check,
  });
  return ajv;
}

/** Keys whose values are data, not schemas: left as they are. */
const DATA_KEYS = new Set(['enum', 'const', 'default', 'examples', 'example']);
const withText = new WeakMap<object, unknown>();

/**
 * A copy of a JSON schema with `wellFormedText: true` on every node that admits a string or an object. The copy is
 * kept per schema object, so a schema compiled again (a HEAD route, a shared schema with an `$id`) is the same object.
 */
export function requireWellFormedText<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((s: unknown) => requireWellFormedText(s)) as T;
  if (!schema || typeof schema !== 'object') return schema;
  const kept = withText.get(schema);
  if (kept) return kept as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = DATA_KEYS.has(k) ? v : requireWellFormedText(v);
  const type = (schema as { type?: unknown }).type;
  const types = Array.isArray(type) ? type : [type];
  if (types.includes('string') || types.includes('object')) out[KEYWORD] = true;
  withText.set(schema, out);
  return out as T;
}

/**
 * Compiled validators and serializers, kept per process and keyed by the schemas' JSON: compiling a schema is the
 * dearest part of building the app (about 2 s of CPU for every route's validators and serializers on this machine
 * kind), and a process that builds the app more than once — the test suite, an embedding host — compiled the same
 * schemas again each time. Two schemas with the same JSON compile to the same function, so reusing it cannot change
 * what is accepted; the functions keep no state between calls beyond Ajv's `errors`, read right after each call.
 */
interface ValidatorSet {
  strict: Ajv;
  coercing: Ajv;
  compiled: Map<string, unknown>;
}
const validatorSets = new Map<string, ValidatorSet>();
const serializers = new Map<string, unknown>();
const defaultSerializers = SerializerSelector();

function validatorSet(externalSchemas: Record<string, AnySchema>): ValidatorSet {
  const key = JSON.stringify(externalSchemas);
  let set = validatorSets.get(key);
  if (!set) {
    set = { strict: makeAjv(false), coercing: makeAjv(true), compiled: new Map() };
    for (const s of Object.values(externalSchemas)) {
      set.strict.addSchema(requireWellFormedText(s));
      set.coercing.addSchema(requireWellFormedText(s));
    }
    validatorSets.set(key, set);
  }
  return set;
}

type Serialize = (data: unknown) => string;

/**
 * A validator compiled on its first call (the same function, cached as above, from then on). Fastify compiles every
 * route's schemas when the app gets ready, on the start path; most routes are not called for a while, some never by a
 * given deployment, so compiling on first use takes about 1–2 s of CPU off each start (issue 20). Ajv's `errors` of the
 * call are copied to the wrapper, where Fastify reads them right after the call.
 */
function lazyValidator(compile: () => ValidateFunction): ValidateFunction {
  let fn: ValidateFunction | null = null;
  const validate = function (this: unknown, ...args: Parameters<ValidateFunction>) {
    fn ??= compile();
    const ok = fn.apply(this, args);
    validate.errors = fn.errors;
    return ok;
  } as ValidateFunction;
  return validate;
}

/** Fastify schema controller: JSON bodies are validated as sent; query strings and params are coerced from text. */
export const schemaController: FastifyServerOptions['schemaController'] = {
  compilersFactory: {
    buildValidator: (externalSchemas: Record<string, AnySchema>) => {
      // The two Ajv instances with every shared schema are made with the first validator compiled, not on the start path.
      const made = validatorSets.get(JSON.stringify(externalSchemas));
      return (({ schema, httpPart }: { schema: AnySchema; httpPart?: string }) => {
        const body = httpPart === 'body';
        const key = `${body ? 'b' : 'q'}${JSON.stringify(schema)}`;
        const done = made?.compiled.get(key) as ValidateFunction | undefined;
        if (done) return done;
        return lazyValidator(() => {
          const set = validatorSet(externalSchemas);
          let fn = set.compiled.get(key) as ValidateFunction | undefined;
          if (!fn) {
            fn = (body ? set.strict : set.coercing).compile(requireWellFormedText(schema));
            set.compiled.set(key, fn);
          }
          return fn;
        });
      }) as never;
    },
    buildSerializer: ((externalSchemas: unknown, serializerOpts: unknown) => {
      const prefix = JSON.stringify([externalSchemas ?? null, serializerOpts ?? null]);
      const compile = defaultSerializers(externalSchemas as never, serializerOpts as never);
      return (ctx: { schema: unknown }) => {
        const key = prefix + JSON.stringify(ctx.schema);
        const done = serializers.get(key) as Serialize | undefined;
        if (done) return done;
        let fn: Serialize | null = null;
        return (data: unknown) => {
          if (!fn) {
            fn = (serializers.get(key) as Serialize | undefined) ?? (compile(ctx as never) as Serialize);
            serializers.set(key, fn);
          }
          return fn(data);
        };
      };
    }) as never,
  },
};
