// Request validation: strict bodies (no type coercion), coerced query strings and params, shared schemas in both.
// Every string a request carries — each `type: "string"` value and each key of an object — is refused when it holds a
// NUL character (PostgreSQL refuses \u0000 in text and jsonb) or an unpaired UTF-16 surrogate (not representable in
// UTF-8): the `wellFormedText` keyword is added to every such schema node here, once, for every route.
import { Ajv, type AnySchema, type SchemaValidateFunction } from 'ajv';
import addFormatsPkg from 'ajv-formats';
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

/** Fastify schema controller: JSON bodies are validated as sent; query strings and params are coerced from text. */
export const schemaController: FastifyServerOptions['schemaController'] = {
  compilersFactory: {
    buildValidator: (externalSchemas: Record<string, AnySchema>) => {
      const strict = makeAjv(false);
      const coercing = makeAjv(true);
      for (const s of Object.values(externalSchemas)) {
        strict.addSchema(requireWellFormedText(s));
        coercing.addSchema(requireWellFormedText(s));
      }
      return (({ schema, httpPart }: { schema: AnySchema; httpPart?: string }) =>
        (httpPart === 'body' ? strict : coercing).compile(requireWellFormedText(schema))) as never;
    },
  },
};
