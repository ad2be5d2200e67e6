// Optional provider capability: sending e-mail from the user's own mailbox (prep briefs). Domain types only.

export interface MailMessage {
  /** Recipients' addresses. */
  to: string[];
  subject: string;
  /** Sanitised HTML body. */
  html: string;
  /** Plain-text alternative. */
  text: string;
}

/** Sends mail as one connected mailbox (Graph `sendMail`, the mock's outbox). */
export interface MailSender {
  sendMail(message: MailMessage): Promise<void>;
}

/** The mail sender of a user's connection, or null when the user's provider cannot send mail. */
export type MailSenderResolver = (tenantId: string, userId: string) => Promise<MailSender | null>;

/**
 * Posts a body to a URL (the webhooks); resolves with the HTTP status and, when the poster reads it, the start of the
 * answer's body (at most a few hundred characters: the platform webhooks' delivery log shows it).
 */
export type HttpPost = (
  url: string,
  init: { headers: Record<string, string>; body: string },
) => Promise<{ status: number; body?: string }>;
