// POST /api/chat: one natural-language command, carried out by the chat service (meetings are only ever proposed).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
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
  },
  { additionalProperties: false },
);
const Slot = Type.Object({ start: Type.String(), end: Type.String(), confidence: Type.Number() });
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
const ChatAnswer = Type.Object({
  intent: Type.String({ description: 'schedule_meeting, find_time, show_calendar, ambiguous or unknown' }),
  reply: Type.String(),
  slots: Type.Optional(Type.Array(Slot)),
  events: Type.Optional(Type.Array(ChatEvent)),
  proposalId: Type.Optional(Type.String({ description: 'The proposal to approve (nothing is sent before)' })),
  choices: Type.Optional(Type.Array(Type.Object({ id: Type.String(), name: Type.String() }))),
  errorCode: Type.Optional(Type.String()),
});

export function chatRoutes(chat: ChatService): RouteModule {
  return async (app: FastifyInstance) => {
    app.post(
      '/api/chat',
      {
        schema: {
          tags: ['chat'],
          summary: 'A chat command: schedule (as a proposal), find time, or show your calendar',
          body: ChatBody,
          response: { 200: ChatAnswer, ...errors() },
        },
      },
      async (req) => chat.handle(actorOf(req), req.body as Static<typeof ChatBody>),
    );
  };
}
