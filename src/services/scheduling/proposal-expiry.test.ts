// The expiry sweep's loop: every due tenant, batch after batch until a short one, each batch announced inside its
// transaction; a tenant that fails is reported with a stable code (never the message) and the others still run.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import type { ProposalRecord } from '../../ports/scheduling.js';
import { ProposalExpirySweep, type ProposalExpiryTx } from './proposal-expiry.js';

const rec = (tenantId: string, id: string) => ({ id, tenantId, userId: 'u' }) as unknown as ProposalRecord;
const now = new Date('2026-05-04T12:00:00Z');

function world(due: Record<string, number>, failing: Record<string, Error> = {}) {
  const left = { ...due };
  const announced: string[] = [];
  const transactions: string[] = [];
  const sweep = new ProposalExpirySweep({
    now: () => now,
    batchSize: 2,
    tenantsDue: async () => Object.keys(left).filter((t) => left[t]! > 0),
    inTransaction: async (tenantId, fn) => {
      transactions.push(tenantId);
      if (tenantId === 'gone') return null;
      const tx: ProposalExpiryTx = {
        expireDue: async (at, limit) => {
          expect(at).toBe(now);
          const n = Math.min(limit, left[tenantId]!);
          left[tenantId]! -= n;
          return Array.from({ length: n }, (_, i) => ({
            record: rec(tenantId, `${tenantId}-${left[tenantId]! + i}`),
            organizer: null,
          }));
        },
        announce: async (r) => {
          if (failing[tenantId]) throw failing[tenantId];
          announced.push(r.id);
        },
      };
      return fn(tx);
    },
  });
  return { sweep, announced, transactions };
}

describe('ProposalExpirySweep', () => {
  it('sweeps every due tenant in batches until a short batch', async () => {
    const w = world({ a: 5, b: 2 });
    const r = await w.sweep.runOnce();
    expect(r).toEqual({ tenants: 2, expired: 7, failures: [] });
    expect(w.announced).toHaveLength(7);
    // a: 2 + 2 + 1 (short: stop); b: 2 + 0 (empty: stop)
    expect(w.transactions).toEqual(['a', 'a', 'a', 'b', 'b']);
  });

  it('reports a failing tenant with its code and goes on with the others', async () => {
    const w = world(
      { a: 1, b: 1, c: 1 },
      { a: new AppError('provider_unavailable'), b: new Error('secret whsec_x in a message') },
    );
    const r = await w.sweep.runOnce();
    expect(r.failures).toEqual([
      { tenantId: 'a', code: 'provider_unavailable' },
      { tenantId: 'b', code: 'internal' },
    ]);
    expect(JSON.stringify(r)).not.toContain('whsec_x');
    expect(w.announced).toEqual(['c-0']);
    expect(r.expired).toBe(1);
  });

  it('skips a tenant that no longer exists', async () => {
    const w = world({ gone: 3 });
    expect(await w.sweep.runOnce()).toEqual({ tenants: 1, expired: 0, failures: [] });
  });
});
