// The MailSender capability on Gmail: users.messages.send with an RFC 2822 message, base64url in `raw` (scope
// gmail.send). Gmail sends it as the signed-in user and keeps it in Sent.
import { randomBytes } from 'node:crypto';
import { AppError } from '../../domain/errors.js';
import type { MailMessage, MailSender } from '../../ports/mail.js';
import type { HttpTransport } from '../decorators/http.js';
import { GoogleCalendarClient, type TokenSource } from './client.js';

export interface GmailMailSenderOptions {
  /** Root of the Gmail API: `https://gmail.googleapis.com` (the emulator's base URL in development and tests). */
  gmailBaseUrl: string;
  transport: HttpTransport;
  token: TokenSource;
  /** The connected account the mail is sent from. */
  mailbox: string;
}

const ADDRESS = /^[^@\s<>",;]+@[^@\s<>",;]+$/;
/** Header text without line breaks (no header injection), non-ASCII as an RFC 2047 encoded word. */
function headerText(s: string): string {
  const flat = s.replace(/[\r\n]+/g, ' ').trim();
  return /^[\x20-\x7e]*$/.test(flat) ? flat : `=?UTF-8?B?${Buffer.from(flat, 'utf8').toString('base64')}?=`;
}
const base64Lines = (s: string) =>
  (
    Buffer.from(s, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');

/**
 * The message as RFC 2822 / MIME: multipart/alternative with the text and the HTML part (UTF-8, base64).
 * @example toRfc2822('me@x.com', { to: ['a@y.com'], subject: 'Prep', text: 'Hi', html: '<p>Hi</p>' })
 */
export function toRfc2822(from: string, m: MailMessage, boundary = `cb-${randomBytes(12).toString('hex')}`): string {
  const bad = [from, ...m.to].find((a) => !ADDRESS.test(a));
  if (bad !== undefined)
    throw new AppError('bad_request', 'A mail address is not valid.', { details: { address: bad } });
  if (m.to.length === 0) throw new AppError('bad_request', 'A mail needs at least one recipient.');
  return [
    `From: ${from}`,
    `To: ${m.to.join(', ')}`,
    `Subject: ${headerText(m.subject)}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(m.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(m.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/**
 * Sends mail as the connected Google account (needs `https://www.googleapis.com/auth/gmail.send`). Errors are mapped
 * once by the client (a missing scope is Google's 403 `insufficientPermissions`).
 * @example await createGmailMailSender({ gmailBaseUrl, transport, token, mailbox }).sendMail({ to, subject, html, text })
 */
export function createGmailMailSender(o: GmailMailSenderOptions): MailSender {
  const base = o.gmailBaseUrl.replace(/\/+$/, '');
  const client = new GoogleCalendarClient({
    apiBaseUrl: base,
    directoryBaseUrl: base,
    transport: o.transport,
    token: o.token,
    limitKey: o.mailbox.toLowerCase(),
  });
  return {
    async sendMail(m) {
      const raw = Buffer.from(toRfc2822(o.mailbox, m), 'utf8').toString('base64url');
      await client.postJson<{ id?: string }>('gmail.send', `${base}/gmail/v1/users/me/messages/send`, { raw });
    },
  };
}
