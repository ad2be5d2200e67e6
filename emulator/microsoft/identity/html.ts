// HTML pages of the sign-in and consent flow: a plain form a person (or a test with fetch) can use.
import { DELEGATED_PERMISSIONS } from './scopes.js';

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;background:#f2f2f2;margin:0}
main{max-width:440px;margin:40px auto;background:#fff;padding:32px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.4em;margin:0 0 12px} .muted{color:#555;font-size:.9em}
label{display:block;margin:12px 0 4px} input[type=text],input[type=password]{width:100%;padding:6px;box-sizing:border-box}
ul{padding-left:20px} .error{color:#a80000} .buttons{margin-top:20px;display:flex;gap:8px;justify-content:flex-end}
button{padding:8px 20px} button.primary{background:#0067b8;color:#fff;border:0}
</style></head><body><main>${body}</main></body></html>`;
}

export interface ConsentPageInput {
  title: string;
  appName: string;
  /** Action URL of the form. */
  action: string;
  /** Hidden fields carried through the POST (the original authorize parameters). */
  hidden: Record<string, string>;
  scopes: string[];
  /** Pre-filled sign-in name. */
  login: string;
  /** Suggestions for the sign-in name. */
  knownUsers: string[];
  /**
   * The emulator's demo accounts and their passwords, shown on the page (it is an emulator: the seeded users are
   * public test data, and a person trying calbridge should not have to look them up in the admin API).
   */
  demoAccounts?: Array<{ login: string; name: string; password: string }>;
  error?: string;
  /** When set, consent is impossible for the user: the page only offers to go back. */
  needAdminApproval?: string;
}

function scopeList(scopes: string[]): string {
  const items = scopes.map((s) => {
    const admin = DELEGATED_PERMISSIONS.get(s)?.adminOnly ? ' <span class="muted">(admin consent required)</span>' : '';
    return `<li>${escapeHtml(s)}${admin}</li>`;
  });
  return `<ul id="scopes">${items.join('')}</ul>`;
}

function hiddenFields(hidden: Record<string, string>): string {
  return Object.entries(hidden)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
}

/** Sign-in + "Permissions requested" page. */
export function consentPage(p: ConsentPageInput): string {
  const error = p.error ? `<p class="error" id="error">${escapeHtml(p.error)}</p>` : '';
  if (p.needAdminApproval) {
    return layout(
      'Need admin approval',
      `<h1>Need admin approval</h1>
<p><b>${escapeHtml(p.appName)}</b> needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.</p>
<p class="muted" id="reason">${escapeHtml(p.needAdminApproval)}</p>
${scopeList(p.scopes)}
<form method="post" action="${escapeHtml(p.action)}">${hiddenFields(p.hidden)}
<div class="buttons"><button type="submit" name="action" value="cancel">Return to the application without granting consent</button></div></form>`,
    );
  }
  const options = p.knownUsers.map((u) => `<option value="${escapeHtml(u)}"></option>`).join('');
  return layout(
    p.title,
    `<h1>Permissions requested</h1>
<p><b>${escapeHtml(p.appName)}</b> would like to:</p>
${scopeListOrNone(p.scopes)}
${error}
<form method="post" action="${escapeHtml(p.action)}">
${hiddenFields(p.hidden)}
<label for="login">Sign in (user name)</label>
<input type="text" id="login" name="login" list="known-users" value="${escapeHtml(p.login)}" autocomplete="username" required>
<datalist id="known-users">${options}</datalist>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password">
<p class="muted">Accepting grants these permissions to the app. Emulator users' passwords are listed by the admin API.</p>
<div class="buttons">
<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
<button type="submit" name="action" value="accept" class="primary">Accept</button>
</div></form>
${demoAccounts(p.demoAccounts ?? [])}`,
  );
}

/** The demo accounts' table: sign-in name, name and password (this is an emulator, not Microsoft). */
function demoAccounts(accounts: Array<{ login: string; name: string; password: string }>): string {
  if (accounts.length === 0) return '';
  const rows = accounts
    .map(
      (a) =>
        `<tr><td><code>${escapeHtml(a.login)}</code></td><td>${escapeHtml(a.name)}</td><td><code>${escapeHtml(a.password)}</code></td></tr>`,
    )
    .join('');
  return `<section id="demo-accounts" aria-labelledby="demo-h"><h2 id="demo-h" style="font-size:1.1em;margin-top:24px">Demo accounts (emulator)</h2>
<p class="muted">This sign-in page belongs to calbridge's Microsoft emulator, not to Microsoft. Its seeded people and their passwords:</p>
<table style="border-collapse:collapse;font-size:.9em"><thead><tr><th scope="col" style="text-align:left">Sign-in name</th><th scope="col" style="text-align:left">Name</th><th scope="col" style="text-align:left">Password</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function scopeListOrNone(scopes: string[]): string {
  return scopes.length ? scopeList(scopes) : '<p class="muted">Sign you in and read your profile.</p>';
}

/** Admin consent ("Accept for your organization") page. */
export function adminConsentPage(p: {
  appName: string;
  tenantName: string;
  action: string;
  hidden: Record<string, string>;
  scopes: string[];
}): string {
  return layout(
    'Permissions requested for your organization',
    `<h1>Permissions requested</h1>
<p><b>${escapeHtml(p.appName)}</b> asks an administrator of <b>${escapeHtml(p.tenantName)}</b> to grant, for every user of the organization:</p>
${scopeListOrNone(p.scopes)}
<form method="post" action="${escapeHtml(p.action)}">${hiddenFields(p.hidden)}
<div class="buttons">
<button type="submit" name="action" value="cancel">Cancel</button>
<button type="submit" name="action" value="accept" class="primary">Accept</button>
</div></form>`,
  );
}

/** The page after sign-out when there is no registered place to go back to. */
export function signedOutPage(): string {
  return layout(
    'Signed out',
    "<h1>You signed out of your account</h1><p>It's a good idea to close all browser windows.</p>",
  );
}

/** An error page for requests that cannot be redirected back (unknown app, bad redirect URI). */
export function errorPage(message: string): string {
  return layout(
    'Sign in error',
    `<h1>Sorry, but we're having trouble signing you in.</h1><p class="error" id="error">${escapeHtml(message)}</p>`,
  );
}

/** response_mode=form_post: a page that POSTs the result to the redirect URI. */
export function formPostPage(action: string, fields: Record<string, string>): string {
  return layout(
    'Working...',
    `<form method="post" action="${escapeHtml(action)}" id="f">${hiddenFields(fields)}<noscript><button type="submit">Continue</button></noscript></form>
<script>document.getElementById('f').submit()</script>`,
  );
}
