// The schema controller refuses NUL characters and unpaired surrogates in every string and object key it validates.
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { isWellFormedText, requireWellFormedText, schemaController } from './validation.js';

type Validate = ((data: unknown) => boolean) & { errors?: Array<{ keyword: string; instancePath: string }> | null };
const compile = (schema: unknown, httpPart = 'body'): Validate =>
  (
    schemaController!.compilersFactory!.buildValidator as unknown as (
      ext: Record<string, unknown>,
    ) => (o: { schema: unknown; httpPart: string }) => Validate
  )({})({ schema, httpPart });

describe('well-formed text', () => {
  it('tells NUL and unpaired surrogates from well-formed text, pairs (emoji) included', () => {
    for (const ok of ['', 'Acme', 'Zoë', '😀', 'a😀b', '\u0001\t\n']) expect(isWellFormedText(ok), ok).toBe(true);
    for (const bad of ['\u0000', 'a\u0000', '\ud800', '\udc00', 'x\ud83d', '\ude00y', '\udc00\ud800'])
      expect(isWellFormedText(bad), JSON.stringify(bad)).toBe(false);
  });

  it('is required of every string and every object key, bodies and coerced query strings alike', () => {
    const schema = Type.Object({
      name: Type.String(),
      tags: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Null()]))),
      extra: Type.Optional(Type.Record(Type.String(), Type.Number())),
    });
    for (const part of ['body', 'querystring']) {
      const v = compile(schema, part);
      expect(v({ name: 'Acme 😀', tags: ['x', null], extra: { a: 1 } })).toBe(true);
      expect(v({ name: 'Ac\u0000me' })).toBe(false);
      expect(v.errors?.[0]).toMatchObject({ keyword: 'wellFormedText', instancePath: '/name' });
      expect(v({ name: 'Acme', tags: ['ok', '\ud800'] })).toBe(false);
      expect(v.errors?.[0]).toMatchObject({ instancePath: '/tags/1' });
      expect(v({ name: 'Acme', extra: { 'a\u0000': 1 } })).toBe(false);
      expect(v.errors?.[0]).toMatchObject({ instancePath: '/extra' });
    }
  });

  it('leaves enum and default values alone and returns the same copy for the same schema', () => {
    const schema = Type.Object({ kind: Type.Union([Type.Literal('a'), Type.Literal('b')], { default: 'a' }) });
    const copy = requireWellFormedText(schema);
    expect(requireWellFormedText(schema)).toBe(copy);
    expect(JSON.stringify(copy)).toContain('"wellFormedText":true');
    expect(schema).not.toHaveProperty('wellFormedText');
  });
});
