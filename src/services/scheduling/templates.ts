// Meeting templates: the defaults every tenant starts with (seeded lazily), CRUD, sanitised bodies, placeholder rendering.
import { AppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/tenancy.js';
import type { AuditStore } from '../../ports/stores.js';
import type { TemplateInput, TemplateRecord, TemplateStore } from '../../ports/scheduling.js';
import { htmlDom } from '../html/dom.js';

export const DEFAULT_TEMPLATES: TemplateInput[] = [
  {
    key: 'qbr',
    name: 'Quarterly business review',
    subjectTemplate: '{customer} quarterly business review',
    bodyHtml:
      '<p>Hello {customer} team,</p><p>Let us review the last quarter together: outcomes, adoption, open items and the plan for the next quarter.</p><p>{organizer}</p>',
    durationMinutes: 60,
    attendeeRoles: ['exec', 'vp', 'sponsor', 'director', 'cxo', 'ceo', 'cto', 'cfo', 'coo'],
    onlineMeeting: null,
    reminderMinutes: 30,
  },
  {
    key: 'kickoff',
    name: 'Kickoff',
    subjectTemplate: '{customer} kickoff',
    bodyHtml:
      '<p>Welcome aboard, {customer}!</p><p>Agenda: introductions, goals, timeline, next steps.</p><p>{organizer}</p>',
    durationMinutes: 60,
    attendeeRoles: [],
    onlineMeeting: null,
    reminderMinutes: 15,
  },
  {
    key: 'check-in',
    name: 'Check-in',
    subjectTemplate: '{customer} check-in',
    bodyHtml: '<p>A short check-in on how things are going at {customer}.</p><p>{organizer}</p>',
    durationMinutes: 30,
    attendeeRoles: [],
    onlineMeeting: null,
    reminderMinutes: 15,
  },
];

/** Removes scripts, handlers and other active content from template HTML. */
export function sanitizeHtml(html: string): string {
  // Without a '<' there is no markup: DOMPurify (these options) returns such a text as it is, and '' parses a document
  // to answer '' (every proposal without a body did that; issue 20). The same answers without jsdom.
  if (!html.includes('<')) return html;
  return htmlDom().purify.sanitize(html, { USE_PROFILES: { html: true } });
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/**
 * Replaces `{name}` placeholders with `vars[name]` (HTML-escaped when `html`); unknown placeholders stay as written.
 * @example render('{customer} QBR', { customer: 'Acme' }) // 'Acme QBR'
 */
export function render(text: string, vars: Record<string, string>, opts: { html?: boolean } = {}): string {
  return text.replace(/\{([a-zA-Z]+)\}/g, (m, name: string) => {
    const v = vars[name];
    if (v === undefined) return m;
    return opts.html ? escapeHtml(v) : v;
  });
}

export class TemplateService {
  constructor(
    private readonly store: TemplateStore,
    private readonly audit: AuditStore,
  ) {}

  private async seeded(tenantId: string): Promise<void> {
    await this.store.seedOnce(tenantId, DEFAULT_TEMPLATES);
  }

  async list(actor: Actor): Promise<TemplateRecord[]> {
    await this.seeded(actor.tenantId);
    return this.store.list(actor.tenantId);
  }

  async get(actor: Actor, id: string): Promise<TemplateRecord> {
    await this.seeded(actor.tenantId);
    const t = await this.store.get(actor.tenantId, id);
    if (!t) throw new AppError('not_found', 'No such template.');
    return t;
  }

  /** A template by id, or by its key (`qbr`, `kickoff`, `check-in`). */
  async resolve(actor: Actor, ref: { id?: string; key?: string }): Promise<TemplateRecord> {
    await this.seeded(actor.tenantId);
    const t = ref.id
      ? await this.store.get(actor.tenantId, ref.id)
      : await this.store.getByKey(actor.tenantId, ref.key ?? 'check-in');
    if (!t) throw new AppError('not_found', 'No such template.');
    return t;
  }

  async create(actor: Actor, input: Omit<TemplateInput, 'key'> & { key?: string | null }): Promise<TemplateRecord> {
    await this.seeded(actor.tenantId);
    const t = await this.store.create(actor.tenantId, {
      ...input,
      key: input.key ?? null,
      bodyHtml: sanitizeHtml(input.bodyHtml),
    });
    await this.audit.record({
      tenantId: actor.tenantId,
      actor: actor.userId,
      action: 'template.created',
      targetType: 'meeting_template',
      targetId: t.id,
    });
    return t;
  }

  async update(actor: Actor, id: string, patch: Partial<TemplateInput>): Promise<TemplateRecord> {
    await this.seeded(actor.tenantId);
    const clean = patch.bodyHtml === undefined ? patch : { ...patch, bodyHtml: sanitizeHtml(patch.bodyHtml) };
    const t = await this.store.update(actor.tenantId, id, clean);
    if (!t) throw new AppError('not_found', 'No such template.');
    await this.audit.record({
      tenantId: actor.tenantId,
      actor: actor.userId,
      action: 'template.updated',
      targetType: 'meeting_template',
      targetId: id,
    });
    return t;
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.seeded(actor.tenantId);
    if (!(await this.store.delete(actor.tenantId, id))) throw new AppError('not_found', 'No such template.');
    await this.audit.record({
      tenantId: actor.tenantId,
      actor: actor.userId,
      action: 'template.deleted',
      targetType: 'meeting_template',
      targetId: id,
    });
  }
}
