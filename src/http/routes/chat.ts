// POST /api/chat: one natural-language command, carried out by the chat service (meetings are only ever proposed:
// new ones, cancellations and moves alike). GET/DELETE /api/chat/history: the caller's own conversation.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ChatService } from '../../services/chat/chat-service.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../app-deps.js';
import { errors, Uuid } from '../schemas.js';

const ChatBody = Type.Object(
  {
    message: Type.String({ maxLength: 2000, description: 'e.g. "Find time for a meeting with Acme next week"' }),
    timeZone: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone of the user (default: profile zone)' }),
    ),
    accountId: Type.Optional(Uuid),
    start: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'A slot picked from an answer (its start): with the same message, prepares the proposal at that time ' +
          '(a new meeting, or the move of `meetingId`)',
      }),
    ),
    meetingId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'The meeting picked from an answer that listed several (cancel, reschedule)',
      }),
    ),
  },
  { additionalProperties: false },
);
const Slot = Type.Object({
  start: Type.String(),
  end: Type.String(),
  confidence: Type.Number(),
  suggestionReason: Type.Optional(Type.String({ description: "The suggestion engine's own words (Graph's)" })),
  reason: Type.Optional(Type.String({ description: 'Why this time, in plain words' })),
});
const Person = Type.Object({ email: Type.String(), name: Type.Union([Type.String(), Type.Null()]) });
const ChatEvent = Type.Object({
  id: Type.String(),
  subject: Type.String(),
  start: Type.String(),
  end: Type.String(),
  isAllDay: Type.Boolean(),
  isCancelled: Type.Boolean(),
  customerId: Type.Union([Type.String(), Type.Null()]),
  onlineMeeting: Type.Union([
    Type.Object({ joinUrl: Type.Optional(Type.Union([Type.String(), Type.Null()])) }),
    Type.Null(),
  ]),
});
const ProposalCard = Type.Object(
  {
    id: Type.String(),
    status: Type.String({ description: 'pending, approving, approved, rejected, expired or failed' }),
    action: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete')], {
      description: 'create: a new meeting; update: a move (reschedule); delete: a cancellation',
    }),
    subject: Type.String(),
    start: Type.String(),
    end: Type.String(),
    previousStart: Type.Union([Type.String(), Type.Null()], { description: 'A move: the time before' }),
    previousEnd: Type.Union([Type.String(), Type.Null()]),
    teams: Type.Boolean(),
    attendees: Type.Array(Person),
    expiresAt: Type.String(),
    repeat: Type.Optional(
      Type.Union([Type.String(), Type.Null()], {
        description: 'A series: how it repeats, in words ("Every Tuesday, 6 times"); null for a single meeting',
      }),
    ),
    duplicate: Type.Boolean({ description: 'Already pending: the answer names it instead of preparing another' }),
  },
  { description: 'The proposal the answer prepared (or found pending); nothing is sent before it is approved' },
);
const MeetingCard = Type.Object({
  id: Type.String(),
  subject: Type.String(),
  start: Type.String(),
  end: Type.String(),
  attendees: Type.Array(Person),
});
const ChatAnswer = Type.Object({
  intent: Type.String({
    description: 'schedule_meeting, find_time, cancel_meeting, reschedule_meeting, show_calendar, ambiguous or unknown',
  }),
  reply: Type.String({ description: 'The answer in plain text' }),
  slots: Type.Optional(Type.Array(Slot, { description: 'Times to pick from (send one back as `start`)' })),
  events: Type.Optional(Type.Array(ChatEvent)),
  proposalId: Type.Optional(Type.String({ description: 'The proposal to approve (nothing is sent before)' })),
  proposal: Type.Optional(ProposalCard),
  meetings: Type.Optional(
    Type.Array(MeetingCard, { description: 'Meetings that match a cancel or move: send one back as `meetingId`' }),
  ),
  accountId: Type.Optional(Type.String({ description: 'The account the slots are for' })),
  meetingId: Type.Optional(Type.String({ description: 'The meeting the answer is about' })),
  reason: Type.Optional(Type.String({ description: 'Why no time was found, in plain words' })),
  choices: Type.Optional(Type.Array(Type.Object({ id: Type.String(), name: Type.String() }))),
  errorCode: Type.Optional(Type.String()),
});
const HistoryQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) },
  { additionalProperties: false },
);
const HistoryEntry = Type.Object({
  id: Type.String(),
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
  text: Type.String(),
  answer: Type.Union([Type.Partial(ChatAnswer), Type.Null()], {
    description: 'An assistant entry: the answer as POST /api/chat returned it (null for the user’s words)',
  }),
  picked: Type.Union(
    [
      Type.Object({
        start: Type.Optional(Type.String()),
        meetingId: Type.Optional(Type.String()),
        accountId: Type.Optional(Type.String()),
      }),
      Type.Null(),
    ],
    { description: 'A user entry: the slot (start), meeting or account picked with the message, if any' },
  ),
  createdAt: Type.String(),
});
const History = Type.Object({ items: Type.Array(HistoryEntry) });

export function chatRoutes(chat: ChatService): RouteModule {
  return async (untyped: FastifyInstance) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.post(
      '/api/chat',
      {
        schema: {
          tags: ['chat'],
          summary: 'A chat command: schedule, move or cancel (each as a proposal), find time, or show your calendar',
          body: ChatBody,
          response: { 200: ChatAnswer, ...errors() },
        },
      },
      async (req) => chat.handle(actorOf(req), req.body),
    );
    app.get(
      '/api/chat/history',
      {
        schema: {
          tags: ['chat'],
          summary: 'Your chat history (your own only; the newest entries, oldest first; 200 are kept)',
          querystring: HistoryQuery,
          response: { 200: History, ...errors() },
        },
      },
      async (req) => ({
        items: await chat.history(actorOf(req), req.query.limit ?? 50),
      }),
    );
    app.delete(
      '/api/chat/history',
      {
        schema: {
          tags: ['chat'],
          summary: 'Forget your chat history',
          response: { 200: Type.Object({ deleted: Type.Integer() }), ...errors() },
        },
      },
      async (req) => ({ deleted: await chat.clearHistory(actorOf(req)) }),
    );
  };
}
