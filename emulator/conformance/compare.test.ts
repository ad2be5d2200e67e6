// Shape comparison rules: types, annotations, arrays, placeholders, extra properties, echoed values.
import { describe, expect, it } from 'vitest';
import {
  compareEchoedValues,
  compareShape,
  placeholderType,
  typeFromContext,
  type Representations,
} from './compare.js';

const reps: Representations = new Map<string, unknown>([
  [
    'event',
    {
      id: 'string',
      subject: 'string',
      start: { '@odata.type': 'microsoft.graph.dateTimeTimeZone' },
      isAllDay: true,
      attachments: [{ '@odata.type': 'microsoft.graph.attachment' }],
    },
  ],
  ['datetimetimezone', { dateTime: 'String', timeZone: 'String' }],
]);

describe('compareShape', () => {
  it('accepts the same shape with other values and reports type changes with their path', () => {
    expect(compareShape({ a: 'x', b: { c: 1 } }, { a: 'y', b: { c: 2 } })).toBeNull();
    expect(compareShape({ a: 'x', b: { c: 1 } }, { a: 'y', b: { c: '2' } })).toBe('b.c: expected number, got string');
  });

  it('requires documented properties and OData annotations', () => {
    expect(compareShape({ '@odata.etag': 'W/"x"', id: '1' }, { id: '1' })).toBe(
      "(root): missing annotation '@odata.etag'",
    );
    expect(compareShape({ id: '1', subject: 's' }, { id: '1' })).toBe("(root): missing property 'subject'");
  });

  it('lets a documented null stand for any type, but not for absence', () => {
    expect(compareShape({ a: null }, { a: { b: 1 } })).toBeNull();
    expect(compareShape({ a: null }, {})).toBe("(root): missing property 'a'");
  });

  it('compares array elements against the first documented element', () => {
    expect(compareShape({ value: [{ id: 'a' }, { other: 1 }] }, { value: [{ id: 'b' }] })).toBeNull();
    expect(compareShape({ value: [{ id: 'a' }] }, { value: [{ name: 'b' }] })).toBe("value[0]: missing property 'id'");
    expect(compareShape({ value: [{ id: 'a' }] }, { value: [] })).toBe('value: expected a non-empty array');
  });

  it('accepts extra properties only when the type representation lists them', () => {
    const opts = { representations: reps, rootType: 'event' };
    expect(compareShape({ id: '1' }, { id: '1', subject: 'x', '@odata.etag': 'e' }, opts)).toBeNull();
    expect(compareShape({ id: '1' }, { id: '1', colour: 'red' }, opts)).toBe(
      "(root): unexpected property 'colour' (not in the event representation)",
    );
    expect(compareShape({ start: {} }, { start: { dateTime: 'x', zone: 'UTC' } }, opts)).toBe(
      "start: unexpected property 'zone' (not in the datetimetimezone representation)",
    );
    expect(compareShape({ value: [{ id: '1' }] }, { value: [{ id: '1', colour: 'red' }] }, opts)).toMatch(
      /unexpected property 'colour'/,
    );
  });

  it('reads representations: placeholders are types, nested typed objects, navigation properties optional', () => {
    const opts = { representation: true, representations: reps };
    const rep = reps.get('event');
    expect(
      compareShape(rep, { id: 'x', subject: 's', isAllDay: false, start: { dateTime: 'd', timeZone: 'UTC' } }, opts),
    ).toBeNull();
    expect(compareShape(rep, { id: 'x', subject: 's', isAllDay: 'no', start: null }, opts)).toBe(
      'isAllDay: expected boolean, got string',
    );
    expect(
      compareShape(rep, { id: 'x', subject: 's', isAllDay: true, start: { dateTime: 1, timeZone: 'UTC' } }, opts),
    ).toBe('start.dateTime: expected string, got number');
    expect(compareShape(rep, { id: 'x', isAllDay: true, start: null }, opts)).toBe(
      "(root): missing property 'subject'",
    );
  });
});

describe('helpers', () => {
  it('maps placeholders and @odata.context to types', () => {
    expect(placeholderType('String (timestamp)')).toBe('string');
    expect(placeholderType('Boolean')).toBe('boolean');
    expect(placeholderType('Int32')).toBe('number');
    expect(typeFromContext("https://x/v1.0/$metadata#users('a')/events/$entity")).toBe('event');
    expect(typeFromContext('https://x/v1.0/$metadata#Collection(event)')).toBe('event');
    expect(typeFromContext('https://x/v1.0/$metadata#subscriptions')).toBe('subscription');
  });

  it('checks only the values the docs echo back', () => {
    const docReq = { subject: 'Lunch', body: { contentType: 'HTML' } };
    const docRes = { subject: 'Lunch', body: { contentType: 'html' } };
    expect(
      compareEchoedValues(
        docReq,
        docRes,
        { subject: 'Lunch', body: { contentType: 'HTML' } },
        { subject: 'Lunch', body: { contentType: 'html' } },
      ),
    ).toBeNull();
    expect(compareEchoedValues(docReq, docRes, { subject: 'Lunch' }, { subject: 'Dinner' })).toBe(
      'subject: sent "Lunch", got "Dinner"',
    );
  });

  it('reads a property under another letter case only where a newer docs version spells it so, and says so', () => {
    const doc = { value: [{ geocoordinates: null, phone: null }] };
    const actual = { value: [{ geoCoordinates: { latitude: 1, longitude: 2 }, phone: '' }] };
    expect(compareShape(doc, actual)).toBe("value[0]: missing property 'geocoordinates'");
    const tolerated: string[] = [];
    const newerSpellings = new Map([['geoCoordinates', 'place-list-contrib-3']]);
    expect(compareShape(doc, actual, { newerSpellings, tolerated })).toBeNull();
    expect(tolerated).toEqual(["'geocoordinates' read as 'geoCoordinates' (spelled so by place-list-contrib-3)"]);
    // Not a case difference, or a spelling no newer case uses: still missing.
    expect(compareShape({ geoCoordinatez: 1 }, { geoCoordinates: 1 }, { newerSpellings })).toBe(
      "(root): missing property 'geoCoordinatez'",
    );
    expect(compareShape({ PHONE: '' }, { phone: '' }, { newerSpellings })).toBe("(root): missing property 'PHONE'");
    // The value found under the newer spelling is still compared.
    expect(compareShape({ geocoordinates: { latitude: 1 } }, { geoCoordinates: 'x' }, { newerSpellings })).toBe(
      'geoCoordinates: expected object, got string',
    );
  });
});
