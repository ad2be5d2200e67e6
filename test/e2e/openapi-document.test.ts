// The committed openapi.json is the document the server serves at /docs/json, in a stable form.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GENERATED_NOTE,
  OPENAPI_FILE,
  renderOpenApi,
  serverOpenApi,
  stableOpenApi,
} from '../../scripts/gen-openapi.js';

describe('openapi.json', () => {
  it('is the served OpenAPI document (regenerate: npm run gen:openapi)', async () => {
    const expected = await renderOpenApi(await serverOpenApi());
    expect(
      readFileSync(OPENAPI_FILE, 'utf8') === expected,
      'openapi.json differs from the document the server serves at /docs/json: regenerate it with `npm run gen:openapi` and commit it',
    ).toBe(true);
  }, 180_000);

  it('orders paths, methods, schemas and tags the same way whatever the registration order', () => {
    const op = (summary: string) => ({ summary, responses: {} });
    const a = {
      openapi: '3.0.3',
      paths: { '/b': { post: op('b+'), get: op('b') }, '/a': { delete: op('a-'), get: op('a') } },
      components: { schemas: { Z: { type: 'string' }, A: { type: 'integer' } } },
      tags: [{ name: 'z' }, { name: 'a' }],
    };
    const b = {
      openapi: '3.0.3',
      paths: { '/a': { get: op('a'), delete: op('a-') }, '/b': { get: op('b'), post: op('b+') } },
      components: { schemas: { A: { type: 'integer' }, Z: { type: 'string' } } },
      tags: [{ name: 'a' }, { name: 'z' }],
    };
    const s = stableOpenApi(a);
    expect(JSON.stringify(s)).toBe(JSON.stringify(stableOpenApi(b)));
    expect(JSON.stringify(stableOpenApi(s))).toBe(JSON.stringify(s));
    expect(Object.keys(s)[0]).toBe('x-generated');
    expect(s['x-generated']).toBe(GENERATED_NOTE);
    expect(Object.keys(s.paths as object)).toEqual(['/a', '/b']);
    expect(Object.keys((s.paths as Record<string, object>)['/b']!)).toEqual(['get', 'post']);
  });
});
