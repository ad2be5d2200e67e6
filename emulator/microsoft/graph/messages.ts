// Mail items of the emulated mailboxes: the meeting requests (eventMessage) delivered with invitations.
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { EmuUser } from '../contracts.js';
import { shortHash } from './ids.js';
import type { StoredEvent } from './model.js';
import { graphTimestamp } from './time.js';

/**
 * The part of the mailbox store this file uses. MailboxStore (store.ts) has it; naming it here keeps store.ts and
 * this file from importing each other.
 */
export interface MailHolder {
  readonly clock: () => number;
  newId(prefix?: string): string;
  newChangeKey(): string;
  readonly messages: Map<string, MailMessage[]>;
}

/** One message of a mailbox; `eventId` is the attendee's calendar copy a meeting request points at. */
export interface MailMessage {
  '@odata.type': '#microsoft.graph.eventMessage';
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  categories: string[];
  receivedDateTime: string;
  sentDateTime: string;
  hasAttachments: boolean;
  internetMessageId: string;
  subject: string;
  bodyPreview: string;
  importance: string;
  parentFolderId: string;
  conversationId: string;
  conversationIndex: string;
  isDeliveryReceiptRequested: boolean | null;
  isReadReceiptRequested: boolean;
  isRead: boolean;
  isDraft: boolean;
  webLink: string;
  inferenceClassification: 'focused' | 'other';
  meetingMessageType: 'meetingRequest';
  isDelegated: boolean;
  body: MicrosoftGraph.ItemBody;
  sender: MicrosoftGraph.Recipient;
  from: MicrosoftGraph.Recipient;
  toRecipients: MicrosoftGraph.Recipient[];
  ccRecipients: MicrosoftGraph.Recipient[];
  bccRecipients: MicrosoftGraph.Recipient[];
  replyTo: MicrosoftGraph.Recipient[];
  flag: { flagStatus: 'notFlagged' };
  eventId: string;
}

const recipients = (attendees: MicrosoftGraph.Attendee[], type: string): MicrosoftGraph.Recipient[] =>
  attendees
    .filter((a) => (a.type ?? 'required') === type && a.emailAddress?.address)
    .map((a) => ({
      emailAddress: { name: a.emailAddress?.name ?? a.emailAddress?.address, address: a.emailAddress?.address },
    }));

/** The id of a mailbox's Inbox folder (stable per user). */
export function inboxFolderId(userId: string): string {
  return `AQMkA${Buffer.from(`inbox:${userId}`).toString('base64url').slice(0, 24)}AAAA==`;
}

/** Delivers a meeting request for `org` (the organizer's event) to `user`, pointing at the user's copy `copyId`. */
export function recordMeetingRequest(store: MailHolder, user: EmuUser, org: StoredEvent, copyId: string): MailMessage {
  const at = graphTimestamp(store.clock()).replace(/\.\d+Z$/, 'Z');
  const id = store.newId();
  const changeKey = store.newChangeKey();
  const organizer: MicrosoftGraph.Recipient = org.data.organizer ?? { emailAddress: {} };
  const attendees = org.data.attendees ?? [];
  const uid = org.data.iCalUId ?? id;
  const msg: MailMessage = {
    '@odata.type': '#microsoft.graph.eventMessage',
    id,
    createdDateTime: at,
    lastModifiedDateTime: at,
    changeKey,
    categories: [],
    receivedDateTime: at,
    sentDateTime: at,
    hasAttachments: false,
    internetMessageId: `<${shortHash(`${uid}|${user.id}`, 24)}@emulator.local>`,
    subject: org.data.subject ?? '',
    bodyPreview: org.data.bodyPreview ?? '',
    importance: org.data.importance ?? 'normal',
    parentFolderId: inboxFolderId(user.id),
    conversationId: `AAQkA${shortHash(`conversation|${uid}`, 24)}=`,
    conversationIndex: Buffer.from(shortHash(`index|${uid}`, 22)).toString('base64'),
    isDeliveryReceiptRequested: null,
    isReadReceiptRequested: false,
    isRead: false,
    isDraft: false,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: 'focused',
    meetingMessageType: 'meetingRequest',
    isDelegated: false,
    body: org.data.body ?? { contentType: 'text', content: '' },
    sender: organizer,
    from: organizer,
    toRecipients: recipients(attendees, 'required'),
    ccRecipients: recipients(attendees, 'optional'),
    bccRecipients: [],
    replyTo: [],
    flag: { flagStatus: 'notFlagged' },
    eventId: copyId,
  };
  let box = store.messages.get(user.id);
  if (!box) store.messages.set(user.id, (box = []));
  box.push(msg);
  return msg;
}

/** The messages of a mailbox, newest first. */
export function listMessages(store: MailHolder, userId: string): MailMessage[] {
  return [...(store.messages.get(userId) ?? [])].sort((a, b) => b.receivedDateTime.localeCompare(a.receivedDateTime));
}

/** One message of a mailbox by id, or undefined. */
export function getMessage(store: MailHolder, userId: string, id: string): MailMessage | undefined {
  return store.messages.get(userId)?.find((m) => m.id === id);
}
