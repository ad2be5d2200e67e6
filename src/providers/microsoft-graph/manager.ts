// The organizer's manager in the directory: Microsoft Graph GET /me/manager (delegated User.Read), for the approval
// policy that names managers as approvers.
import { isAppError } from '../../domain/errors.js';
import type { HttpTransport } from '../decorators/http.js';
import { GraphClient, type TokenSource } from './client.js';

export interface GraphManagerOptions {
  graphBaseUrl: string;
  transport: HttpTransport;
  token: TokenSource;
  /** The connected mailbox whose manager is asked for. */
  mailbox: string;
}

/**
 * The e-mail of the signed-in user's manager, or null when the directory names none (Graph answers 404).
 * @example await graphManagerEmail({ graphBaseUrl, transport, token, mailbox }) // 'patti.fernandez@contoso.com'
 */
export async function graphManagerEmail(o: GraphManagerOptions): Promise<string | null> {
  const graph = new GraphClient({
    baseUrl: o.graphBaseUrl,
    transport: o.transport,
    token: o.token,
    limitKey: o.mailbox.toLowerCase(),
  });
  try {
    const m = await graph.call<{ mail?: string | null; userPrincipalName?: string | null }>({
      method: 'GET',
      path: '/me/manager?$select=mail,userPrincipalName',
      idempotent: true,
    });
    const email = m.mail ?? m.userPrincipalName ?? null;
    return email ? email.toLowerCase() : null;
  } catch (e) {
    if (isAppError(e, 'not_found')) return null;
    throw e;
  }
}
