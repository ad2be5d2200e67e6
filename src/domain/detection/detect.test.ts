// Detection cases: domains, subdomains, ignored domains, stakeholders, subject patterns, manual overrides, ties.
import { describe, expect, it } from 'vitest';
import { CustomerIndex } from './customer-index.js';
import { detectCustomer, detectWithIndex } from './detect.js';
import type { CustomerProfile, DetectableMeeting } from './types.js';

const ctx = { tenantDomains: ['calbridge.example'] };

const acme: CustomerProfile = {
  id: 'acme',
  name: 'Acme',
  domains: ['acmecorp.com'],
  subjectPatterns: [{ kind: 'keyword', value: 'Acme' }],
  stakeholders: [
    { email: 'ceo.private@gmail.com', role: 'CEO' },
    { email: 'Ann@AcmeCorp.com', role: 'VP Sales' },
  ],
};
const globex: CustomerProfile = {
  id: 'globex',
  name: 'Globex',
  domains: ['globex.io'],
  subjectPatterns: [
    { kind: 'keyword', value: 'Quarterly Business Review' },
    { kind: 'regex', value: 'GLX-\\d{3,}' },
  ],
  stakeholders: [],
};
const initech: CustomerProfile = {
  id: 'initech',
  name: 'Initech',
  domains: ['initech.com', 'gmail.com', 'calbridge.example'],
  subjectPatterns: [],
  stakeholders: [],
};
const customers = [acme, globex, initech];

function meeting(subject: string, ...emails: string[]): DetectableMeeting {
  return {
    subject,
    organizerEmail: 'me@calbridge.example',
    attendees: emails.map((email) => ({ email, type: 'required' as const })),
  };
}

describe('detectCustomer', () => {
  it('matches an attendee domain', () => {
    const r = detectCustomer(meeting('Sync', 'bob@acmecorp.com'), customers, ctx);
    expect(r.customerId).toBe('acme');
    expect(r.reason).toBe('domain');
    expect(r.confidence).toBe(0.75);
    expect(r.candidates[0]?.evidence).toEqual(['attendee bob@acmecorp.com matches domain acmecorp.com']);
  });

  it('matches a subdomain of a customer domain, case-insensitively', () => {
    const r = detectCustomer(meeting('Sync', 'Bob@EU.AcmeCorp.com'), customers, ctx);
    expect(r.customerId).toBe('acme');
    expect(r.candidates[0]?.matchedAttendees).toEqual(['bob@eu.acmecorp.com']);
  });

  it('does not match a domain that merely ends with the same letters', () => {
    const r = detectCustomer(meeting('Sync', 'bob@notacmecorp.com'), customers, ctx);
    expect(r).toEqual({ customerId: null, reason: 'none', confidence: 0, candidates: [] });
  });

  it("ignores the tenant's own domain, even when a customer lists it", () => {
    const r = detectCustomer(
      meeting('Internal sync', 'colleague@calbridge.example', 'x@sub.calbridge.example'),
      customers,
      ctx,
    );
    expect(r.customerId).toBeNull();
    expect(CustomerIndex.build(customers, ctx).skipped).toContainEqual({
      customerId: 'initech',
      field: 'domains',
      value: 'calbridge.example',
      reason: "the tenant's own domain",
    });
  });

  it('ignores public mail domains, even when a customer lists one', () => {
    const r = detectCustomer(meeting('Coffee', 'someone@gmail.com', 'other@outlook.com'), customers, ctx);
    expect(r.customerId).toBeNull();
    expect(r.reason).toBe('none');
  });

  it("counts a stakeholder's exact address on a public domain", () => {
    const r = detectCustomer(meeting('Coffee', 'CEO.Private@gmail.com'), customers, ctx);
    expect(r.customerId).toBe('acme');
    expect(r.reason).toBe('stakeholder');
    expect(r.confidence).toBe(0.85);
    expect(r.candidates[0]?.evidence).toEqual(['attendee ceo.private@gmail.com is a known stakeholder (CEO)']);
  });

  it('matches a subject keyword case-insensitively on word boundaries only', () => {
    expect(detectCustomer(meeting('ACME roadmap'), customers, ctx)).toMatchObject({
      customerId: 'acme',
      reason: 'subject',
      confidence: 0.5,
    });
    expect(detectCustomer(meeting('Acmeology lecture'), customers, ctx).customerId).toBeNull();
    expect(detectCustomer(meeting('the quarterly  business-review'), customers, ctx).customerId).toBe('globex');
    expect(detectCustomer(meeting('quarterly review'), customers, ctx).customerId).toBeNull();
  });

  it('matches a subject regular expression (case-insensitive)', () => {
    const r = detectCustomer(meeting('Escalation glx-1234'), customers, ctx);
    expect(r).toMatchObject({ customerId: 'globex', reason: 'subject' });
    expect(r.candidates[0]?.matchedPatterns).toEqual([{ kind: 'regex', value: 'GLX-\\d{3,}' }]);
    expect(detectCustomer(meeting('Escalation GLX-12'), customers, ctx).customerId).toBeNull();
  });

  it('prefers attendee evidence over the subject', () => {
    const r = detectCustomer(meeting('Quarterly business review', 'bob@acmecorp.com'), customers, ctx);
    expect(r.customerId).toBe('acme');
    expect(r.candidates.map((c) => [c.customerId, c.reason])).toEqual([
      ['acme', 'domain'],
      ['globex', 'subject'],
    ]);
    // share = 1 attendee of 1 → confidence unchanged.
    expect(r.confidence).toBe(0.75);
  });

  it('a manual association always wins and keeps automatic candidates', () => {
    const r = detectCustomer(meeting('Sync', 'bob@acmecorp.com'), customers, ctx, { customerId: 'globex' });
    expect(r).toMatchObject({ customerId: 'globex', reason: 'manual', confidence: 1 });
    expect(r.candidates.map((c) => [c.customerId, c.reason])).toEqual([
      ['globex', 'manual'],
      ['acme', 'domain'],
    ]);
  });

  it('a manual association merges with the same automatic candidate', () => {
    const r = detectCustomer(meeting('Sync', 'bob@acmecorp.com'), customers, ctx, { customerId: 'acme' });
    expect(r.candidates).toHaveLength(1);
    expect(r.candidates[0]?.evidence).toEqual([
      'associated manually',
      'attendee bob@acmecorp.com matches domain acmecorp.com',
    ]);
  });

  it('a manual "none" wins over evidence', () => {
    const r = detectCustomer(meeting('Acme sync', 'bob@acmecorp.com'), customers, ctx, { customerId: null });
    expect(r.customerId).toBeNull();
    expect(r.reason).toBe('manual_none');
    expect(r.confidence).toBe(1);
    expect(r.candidates[0]?.customerId).toBe('acme');
  });

  it('several candidates: more matching attendees wins', () => {
    const r = detectCustomer(meeting('Sync', 'a@globex.io', 'b@globex.io', 'c@acmecorp.com'), customers, ctx);
    expect(r.customerId).toBe('globex');
    // globex: 0.75 + 0.05 (two attendees) = 0.8; share 2/3 → 0.8 × (0.5 + 0.5 × 2/3) = 0.667
    expect(r.confidence).toBe(0.667);
    expect(r.candidates.map((c) => c.customerId)).toEqual(['globex', 'acme']);
  });

  it('several candidates: equal attendees, a stakeholder match wins', () => {
    const r = detectCustomer(meeting('Sync', 'x@globex.io', 'ann@acmecorp.com'), customers, ctx);
    expect(r.customerId).toBe('acme');
    expect(r.reason).toBe('stakeholder');
  });

  it('several candidates: a full tie goes to the smaller customer id, whatever the input order', () => {
    const zeta: CustomerProfile = { ...globex, id: 'zeta', domains: ['zeta.io'], subjectPatterns: [] };
    const alpha: CustomerProfile = { ...globex, id: 'alpha', domains: ['alpha.io'], subjectPatterns: [] };
    const m = meeting('Sync', 'a@zeta.io', 'b@alpha.io');
    const one = detectCustomer(m, [zeta, alpha], ctx);
    const two = detectCustomer(m, [alpha, zeta], ctx);
    expect(one.customerId).toBe('alpha');
    expect(two).toEqual(one);
    expect(one.confidence).toBe(0.563); // 0.75 × (0.5 + 0.5 × 1/2) = 0.5625
  });

  it('the most specific configured domain wins a participant', () => {
    const acmeEu: CustomerProfile = { ...globex, id: 'acme-eu', domains: ['eu.acmecorp.com'], subjectPatterns: [] };
    const r = detectCustomer(meeting('Sync', 'x@eu.acmecorp.com'), [acme, acmeEu], ctx);
    expect(r.candidates.map((c) => c.customerId)).toEqual(['acme-eu']);
  });

  it('ignores resource attendees and invalid addresses', () => {
    const m: DetectableMeeting = {
      subject: 'Room booking',
      organizerEmail: null,
      attendees: [
        { email: 'room1@acmecorp.com', type: 'resource' },
        { email: 'not-an-address', type: 'required' },
      ],
    };
    expect(detectCustomer(m, customers, ctx).customerId).toBeNull();
  });

  it('counts the organizer as a participant', () => {
    const m: DetectableMeeting = { subject: 'Invite', organizerEmail: 'host@globex.io', attendees: [] };
    expect(detectCustomer(m, customers, ctx).customerId).toBe('globex');
  });

  it('the index gives the same result as the one-shot helper and follows upserts and removals', () => {
    const index = CustomerIndex.build(customers, ctx);
    const m = meeting('GLX-999 review', 'bob@acmecorp.com');
    expect(detectWithIndex(m, index)).toEqual(detectCustomer(m, customers, ctx));
    index.remove('acme');
    expect(detectWithIndex(m, index).customerId).toBe('globex');
    index.upsert({ ...globex, subjectPatterns: [] });
    expect(detectWithIndex(m, index).customerId).toBeNull();
    index.upsert(acme);
    expect(detectWithIndex(m, index).customerId).toBe('acme');
    expect(index.size).toBe(3);
  });

  it('skips (and reports) patterns and stakeholders the index cannot use, and keeps detecting with the rest', () => {
    const broken: CustomerProfile = {
      id: 'broken',
      name: 'Broken',
      domains: ['broken.example'],
      subjectPatterns: [
        { kind: 'regex', value: '(x)\\1' },
        { kind: 'keyword', value: 'Broken' },
      ],
      stakeholders: [{ email: 'not-an-address', role: null }],
    };
    const index = CustomerIndex.build([broken], ctx);
    expect(index.skipped.map((s) => [s.field, s.value])).toEqual([
      ['stakeholders', 'not-an-address'],
      ['subjectPatterns', '(x)\\1'],
    ]);
    expect(detectWithIndex(meeting('broken build'), index).customerId).toBe('broken');
    expect(detectWithIndex(meeting('xx'), index).customerId).toBeNull();
  });
});
