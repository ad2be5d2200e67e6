// Request validation: strict bodies (no type coercion), coerced query strings and params, shared schemas in both.
import { Ajv, type AnySchema } from 'ajv';
import addFormatsPkg from 'ajv-formats';
import type { FastifyServerOptions } from 'fastify';

const addFormats = addFormatsPkg as unknown as (ajv: Ajv) => Ajv;

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

/** Fastify schema controller: JSON bodies are validated as sent; query strings and params are coerced from text. */
export const schemaController: FastifyServerOptions['schemaController'] = {
  compilersFactory: {
    buildValidator: (externalSchemas: Record<string, AnySchema>) => {
      const strict = makeAjv(false);
      const coercing = makeAjv(true);
      for (const s of Object.values(externalSchemas)) {
        strict.addSchema(s);
        coercing.addSchema(s);
      }
      return (({ schema, httpPart }: { schema: AnySchema; httpPart?: string }) =>
        (httpPart === 'body' ? strict : coercing).compile(schema)) as never;
    },
  },
};
