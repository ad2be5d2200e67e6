// Scope parsing for the identity platform: Graph permission names, OIDC scopes, `.default`, admin-only permissions.

/** Graph's resource URI and its well-known application id (both accepted as `aud`). */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

/** Delegated Graph permissions the emulator knows; the value says whether only an administrator may consent. */
export const DELEGATED_PERMISSIONS: ReadonlyMap<string, { adminOnly: boolean }> = new Map(
  (
    [
      ['User.Read', false],
      ['User.ReadBasic.All', false],
      ['User.Read.All', true],
      ['Directory.Read.All', true],
      ['Calendars.Read', false],
      ['Calendars.ReadBasic', false],
      ['Calendars.ReadWrite', false],
      ['Calendars.Read.Shared', false],
      ['Calendars.ReadWrite.Shared', false],
      ['MailboxSettings.Read', false],
      ['MailboxSettings.ReadWrite', false],
      ['People.Read', false],
      ['Place.Read.All', true],
      ['OnlineMeetings.ReadWrite', false],
      ['Mail.Send', false],
      ['Mail.Read', false],
      ['Mail.ReadWrite', false],
    ] as const
  ).map(([name, adminOnly]) => [name, { adminOnly }]),
);

/** Application permissions (app roles) an administrator can grant; all require admin consent. */
export const APPLICATION_PERMISSIONS = new Set([
  'Calendars.Read',
  'Calendars.ReadBasic.All',
  'Calendars.ReadWrite',
  'User.Read.All',
  'Place.Read.All',
  'MailboxSettings.Read',
  'MailboxSettings.ReadWrite',
  'Mail.Read',
]);

/** What an app registration asks for by default (`.default`, admin consent without `scope`). */
export const DEFAULT_DELEGATED = ['User.Read', 'Calendars.ReadWrite', 'MailboxSettings.Read'];
export const DEFAULT_APP_ROLES = ['Calendars.ReadWrite', 'User.Read.All', 'Place.Read.All', 'MailboxSettings.Read'];

/** A canonical permission name: case as Microsoft spells it when known, else as given. */
function canonical(name: string): string {
  const lower = name.toLowerCase();
  for (const k of DELEGATED_PERMISSIONS.keys()) if (k.toLowerCase() === lower) return k;
  for (const k of APPLICATION_PERMISSIONS) if (k.toLowerCase() === lower) return k;
  return name;
}

export interface ParsedScopes {
  /** OIDC scopes asked for (openid, profile, email, offline_access). */
  oidc: Set<string>;
  /** Graph permission names, canonical case, without resource prefix. */
  graph: Set<string>;
  /** `https://graph.microsoft.com/.default` (or the bare `.default`) was asked for. */
  graphDefault: boolean;
  /** Scopes naming another resource or an unknown Graph permission. */
  invalid: string[];
}

/**
 * Splits a `scope` parameter. Graph scopes may come as `https://graph.microsoft.com/Calendars.ReadWrite`,
 * `00000003-0000-0000-c000-000000000000/Calendars.ReadWrite` or bare `Calendars.ReadWrite`.
 */
export function parseScopes(raw: string | undefined): ParsedScopes {
  const out: ParsedScopes = { oidc: new Set(), graph: new Set(), graphDefault: false, invalid: [] };
  for (const token of (raw ?? '').split(/\s+/).filter(Boolean)) {
    const lower = token.toLowerCase();
    if (OIDC_SCOPES.has(lower)) {
      out.oidc.add(lower);
      continue;
    }
    let name = token;
    for (const prefix of [`${GRAPH_RESOURCE}/`, `${GRAPH_RESOURCE}//`, `${GRAPH_APP_ID}/`]) {
      if (lower.startsWith(prefix.toLowerCase())) name = token.slice(prefix.length);
    }
    if (name.includes('/') || name.includes(':')) {
      out.invalid.push(token);
      continue;
    }
    if (name === '.default') {
      out.graphDefault = true;
      continue;
    }
    const c = canonical(name);
    if (!DELEGATED_PERMISSIONS.has(c) && !APPLICATION_PERMISSIONS.has(c)) out.invalid.push(token);
    else out.graph.add(c);
  }
  return out;
}

/** Delegated permissions among `scopes` that only an administrator may consent to. */
export function adminOnly(scopes: Iterable<string>): string[] {
  return [...scopes].filter((s) => DELEGATED_PERMISSIONS.get(s)?.adminOnly ?? true);
}
