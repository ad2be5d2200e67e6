// The MailSender capability on Microsoft Graph: POST /users/{mailbox}/sendMail (saved to Sent Items).
import type { MailSender } from '../../ports/mail.js';
import type { HttpTransport } from '../decorators/http.js';
import { GraphClient, type TokenSource } from './client.js';

export interface GraphMailSenderOptions {
  graphBaseUrl: string;
  transport: HttpTransport;
  token: TokenSource;
  /** The connected mailbox the mail is sent from. */
  mailbox: string;
}

/**
 * Sends mail as the connected mailbox (needs the `Mail.Send` delegated permission). Graph answers 202 with no
 * body; errors are mapped once by the client (`mapGraphError`).
 * @example await createGraphMailSender({ graphBaseUrl, transport, token, mailbox }).sendMail({ to, subject, html, text })
 */
export function createGraphMailSender(o: GraphMailSenderOptions): MailSender {
  const graph = new GraphClient({
    baseUrl: o.graphBaseUrl,
    transport: o.transport,
    token: o.token,
    limitKey: o.mailbox.toLowerCase(),
  });
  return {
    async sendMail(m) {
      await graph.call<unknown>({
        method: 'POST',
        path: `/users/${encodeURIComponent(o.mailbox)}/sendMail`,
        body: {
          message: {
            subject: m.subject,
            body: { contentType: 'HTML', content: m.html },
            toRecipients: m.to.map((address) => ({ emailAddress: { address } })),
          },
          saveToSentItems: true,
        },
      });
    },
  };
}
