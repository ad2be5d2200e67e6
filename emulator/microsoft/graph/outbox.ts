// The emulator's outbox: messages accepted by sendMail, kept per emulator instance for tests and the admin API.
/** A recipient as Graph writes it. */
export interface Recipient {
  emailAddress: { address: string; name?: string };
}

/** One accepted sendMail call. */
export interface OutboxMessage {
  id: string;
  /** Mailbox that sent it (object id). */
  senderUserId: string;
  senderAddress: string;
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  internetMessageHeaders: Array<{ name: string; value: string }>;
  /** The whole message as Graph received it (JSON form), or null for MIME. */
  message: Record<string, unknown> | null;
  /** Decoded MIME text when sent in MIME format. */
  mime: string | null;
  saveToSentItems: boolean;
  sentAt: string;
}

const outboxes = new WeakMap<object, OutboxMessage[]>();

/** The outbox of the emulator owning `store` (created empty on first use). */
export function outboxFor(store: object): OutboxMessage[] {
  const s = store as { outbox?: OutboxMessage[] };
  if (Array.isArray(s.outbox)) return s.outbox;
  let box = outboxes.get(store);
  if (!box) {
    box = [];
    outboxes.set(store, box);
  }
  return box;
}
