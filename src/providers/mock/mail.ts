// The mock provider's mail capability: an in-memory outbox per mailbox (MailSender for tests and the demo).
import type { MailMessage, MailSender } from '../../ports/mail.js';

export interface SentMail extends MailMessage {
  from: string;
  sentAt: string;
}

/** Every message "sent" through the mock, in order. */
export class MockMailOutbox {
  readonly sent: SentMail[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** A sender for one mailbox. */
  senderFor(mailbox: string): MailSender {
    return {
      sendMail: async (m) => {
        this.sent.push({ ...m, from: mailbox, sentAt: this.now().toISOString() });
      },
    };
  }
}
