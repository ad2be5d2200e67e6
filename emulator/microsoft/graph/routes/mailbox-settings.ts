// Graph routes: mailboxSettings (GET/PATCH, single properties such as workingHours) and supportedTimeZones.
import type { FastifyInstance } from 'fastify';
import { WINDOWS_TO_IANA_MAP } from 'windows-iana';
import type { GraphContext } from '../context.js';
import { errors, resolveMailbox, type MailboxAccess } from '../mailbox-access.js';
import { automaticReplies, localeInfo, workingHours } from '../mailbox-settings-patch.js';
import type { MailboxSettingsRecord } from '../model.js';
import { both, json, objectBody, param } from '../route-helpers.js';
import { resolveZone } from '../time.js';

const ORDER = [
  'automaticRepliesSetting',
  'archiveFolder',
  'timeZone',
  'language',
  'workingHours',
  'userPurpose',
  'dateFormat',
  'timeFormat',
  'delegateMeetingMessageDeliveryOptions',
] as const;
function ctxUrl(ctx: GraphContext, acc: MailboxAccess, tail = ''): string {
  const who = acc.userSegment === 'me' ? 'Me' : `users('${acc.owner.id}')`;
  return `${ctx.baseUrl()}/v1.0/$metadata#${who}/mailboxSettings${tail}`;
}

/** Validates a mailboxSettings PATCH body against the current settings into a partial record (400 on bad values). */
function validatePatch(body: Record<string, unknown>, current: MailboxSettingsRecord): Partial<MailboxSettingsRecord> {
  const out: Partial<MailboxSettingsRecord> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'timeZone') {
      if (typeof v !== 'string' || !resolveZone(v))
        throw errors.badRequest(
          `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${String(v)}'.`,
          'ErrorInvalidTimeZone',
        );
      out.timeZone = v;
    } else if (k === 'workingHours') {
      out.workingHours = workingHours(v, current.workingHours);
    } else if (k === 'dateFormat' || k === 'timeFormat' || k === 'delegateMeetingMessageDeliveryOptions') {
      if (typeof v !== 'string') throw errors.badRequest(`Invalid value for ${k}.`);
      out[k] = v;
    } else if (k === 'language') {
      out.language = localeInfo(v);
    } else if (k === 'automaticRepliesSetting') {
      out.automaticRepliesSetting = automaticReplies(v, current.automaticRepliesSetting);
    } else if (k !== '@odata.context') {
      throw errors.badRequest(
        `Property '${k}' does not exist or is read-only on type 'microsoft.graph.mailboxSettings'.`,
        'RequestBroker--ParseUri',
      );
    }
  }
  return out;
}

export default async function mailboxSettingsRoutes(app: FastifyInstance, ctx: GraphContext): Promise<void> {
  both(app, 'GET', '/mailboxSettings', async (req, reply, user) => {
    const acc = await resolveMailbox(ctx, req, user, 'read', 'settings');
    const s = ctx.store.getSettings(acc.owner.id);
    const body: Record<string, unknown> = { '@odata.context': ctxUrl(ctx, acc) };
    for (const k of ORDER) body[k] = s[k];
    return json(reply, 200, body);
  });

  both(app, 'GET', '/mailboxSettings/:property', async (req, reply, user) => {
    const acc = await resolveMailbox(ctx, req, user, 'read', 'settings');
    const prop = param(req, 'property');
    const key = ORDER.find((k) => k.toLowerCase() === prop.toLowerCase());
    if (!key) throw errors.badRequest(`Resource not found for the segment '${prop}'.`, 'BadRequest');
    const value = ctx.store.getSettings(acc.owner.id)[key];
    const c = `${ctx.baseUrl()}/v1.0/$metadata#users('${acc.owner.id}')/mailboxSettings/${key}`;
    return json(
      reply,
      200,
      typeof value === 'object' ? { '@odata.context': c, ...value } : { '@odata.context': c, value },
    );
  });

  both(app, 'PATCH', '/mailboxSettings', async (req, reply, user) => {
    const acc = await resolveMailbox(ctx, req, user, 'write', 'settings');
    const patch = validatePatch(objectBody(req), ctx.store.getSettings(acc.owner.id));
    const s = ctx.store.updateSettings(acc.owner.id, patch);
    // The answer names the settings the PATCH changed, each whole (a changed automaticRepliesSetting comes back
    // with its other properties, as user-update-mailboxsettings.md shows).
    const body: Record<string, unknown> = { '@odata.context': ctxUrl(ctx, acc) };
    for (const k of ORDER) if (k in patch) body[k] = s[k];
    return json(reply, 200, body);
  });

  const zones = (iana: boolean) => {
    const seen = new Set<string>();
    const out: Array<{ alias: string; displayName: string }> = [];
    for (const e of WINDOWS_TO_IANA_MAP) {
      for (const name of iana ? e.iana : [e.windowsName]) {
        if (seen.has(name)) continue;
        seen.add(name);
        out.push({ alias: name, displayName: name });
      }
    }
    return out;
  };
  for (const suffix of [
    '/outlook/supportedTimeZones',
    "/outlook/supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'Iana')",
    "/outlook/supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'Windows')",
  ]) {
    both(app, 'GET', suffix, async (req, reply, user) => {
      await resolveMailbox(ctx, req, user, 'read', 'settings');
      return json(reply, 200, {
        '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#Collection(microsoft.graph.timeZoneInformation)`,
        value: zones(suffix.includes("'Iana'")),
      });
    });
  }
}
