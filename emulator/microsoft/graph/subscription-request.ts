// Validation of a subscription create request's body (everything but the resource and the expiry).
import { GraphHttpError } from './errors.js';
import { parseEncryptionCertificate } from './rich-notifications.js';
import type { ChangeType } from './subscription-model.js';

const TLS_VERSIONS = new Set(['v1_0', 'v1_1', 'v1_2', 'v1_3']);
const CHANGE_TYPES = new Set<string>(['created', 'updated', 'deleted']);
const WRITABLE = new Set([
  '@odata.type',
  'changeType',
  'notificationUrl',
  'lifecycleNotificationUrl',
  'resource',
  'expirationDateTime',
  'clientState',
  'includeResourceData',
  'encryptionCertificate',
  'encryptionCertificateId',
  'latestSupportedTlsVersion',
  'notificationContentType',
  'notificationQueryOptions',
  'notificationUrlAppId',
]);

const bad = (message: string) => new GraphHttpError(400, 'InvalidRequest', message);

/** The validated settings of a create request. */
export interface CreateRequest {
  changeTypes: Set<ChangeType>;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  resource: string;
  expirationDateTime: unknown;
  clientState: string | null;
  latestSupportedTlsVersion: string;
  includeResourceData: boolean;
  encryptionCertificate: string | null;
  encryptionCertificateId: string | null;
  notificationContentType: string;
}

/** Parses a POST /subscriptions body; throws Graph's 400 errors. `allowHttpLoopback`: see parseWebhookUrl. */
export function parseCreateRequest(body: unknown, opts: { allowHttpLoopback?: boolean } = {}): CreateRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw bad('The request body must be a JSON object.');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) {
    if (!WRITABLE.has(k))
      throw new GraphHttpError(
        400,
        'BadRequest',
        `The property '${k}' does not exist on type 'microsoft.graph.subscription'.`,
      );
  }
  const changeTypes = parseChangeTypes(b.changeType);
  const http = opts.allowHttpLoopback ?? false;
  const notificationUrl = parseWebhookUrl(b.notificationUrl, 'notificationUrl', true, http) as string;
  const lifecycleNotificationUrl = parseWebhookUrl(b.lifecycleNotificationUrl, 'lifecycleNotificationUrl', false, http);
  if (typeof b.resource !== 'string' || !b.resource.trim()) throw bad("The 'resource' property is required.");
  const clientState = optString(b.clientState, 'clientState');
  if (clientState !== null && clientState.length > 128) throw bad('clientState must not exceed 128 characters.');
  const tls = optString(b.latestSupportedTlsVersion, 'latestSupportedTlsVersion') ?? 'v1_2';
  if (!TLS_VERSIONS.has(tls))
    throw bad(`Invalid latestSupportedTlsVersion '${tls}'; expected one of v1_0, v1_1, v1_2, v1_3.`);
  const includeResourceData = b.includeResourceData ?? false;
  if (typeof includeResourceData !== 'boolean') throw bad('includeResourceData must be a boolean.');
  const encryptionCertificate = optString(b.encryptionCertificate, 'encryptionCertificate');
  const encryptionCertificateId = optString(b.encryptionCertificateId, 'encryptionCertificateId');
  if (includeResourceData && (!encryptionCertificate || !encryptionCertificateId)) {
    throw bad('encryptionCertificate and encryptionCertificateId are required when includeResourceData is true.');
  }
  if (includeResourceData && encryptionCertificate) parseEncryptionCertificate(encryptionCertificate);
  return {
    changeTypes,
    changeType: b.changeType as string,
    notificationUrl,
    lifecycleNotificationUrl,
    resource: b.resource,
    expirationDateTime: b.expirationDateTime,
    clientState,
    latestSupportedTlsVersion: tls,
    includeResourceData,
    encryptionCertificate,
    encryptionCertificateId,
    notificationContentType: optString(b.notificationContentType, 'notificationContentType') ?? 'application/json',
  };
}

function parseChangeTypes(v: unknown): Set<ChangeType> {
  if (typeof v !== 'string' || !v.trim()) throw bad("The 'changeType' property is required.");
  const out = new Set<ChangeType>();
  for (const part of v.split(',').map((x) => x.trim())) {
    if (!CHANGE_TYPES.has(part)) throw bad(`Invalid changeType '${part}'; expected created, updated or deleted.`);
    out.add(part as ChangeType);
  }
  return out;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Graph accepts https notification URLs only: http is a 400 InvalidRequest "NotificationUrl scheme='http' is not
 * supported." (as Graph answers). With `allowHttpLoopback` (the emulator's explicit dev/test mode), plain http is
 * accepted for loopback hosts only, so local receivers need no certificate; any other http URL is still refused.
 */
function parseWebhookUrl(v: unknown, name: string, required: boolean, allowHttpLoopback: boolean): string | null {
  if (v === undefined || v === null) {
    if (required) throw bad(`The '${name}' property is required.`);
    return null;
  }
  if (typeof v !== 'string') throw bad(`${name} must be a string.`);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw bad(`Invalid ${name} '${v}': not an absolute URL.`);
  }
  if (u.protocol === 'https:') return v;
  if (u.protocol === 'http:' && allowHttpLoopback && LOOPBACK.has(u.hostname)) return v;
  const label = name.charAt(0).toUpperCase() + name.slice(1);
  throw bad(`${label} scheme='${u.protocol.replace(/:$/, '')}' is not supported.`);
}

function optString(v: unknown, name: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw bad(`${name} must be a string.`);
  return v;
}
