// Postgres repository for the chat history (migration 24): per tenant and user, capped at the newest entries.
import type { ColumnType, Generated, Kysely } from 'kysely';
import type { ChatHistoryEntry, ChatHistoryStore } from '../ports/chat-history.js';

type ChatMessagesTable = {
  seq: Generated<string>;
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  role: 'user' | 'assistant';
  text: string;
  answer: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
};
type ChatDb = { chat_messages: ChatMessagesTable };

export class PgChatHistoryStore implements ChatHistoryStore {
  private readonly db: Kysely<ChatDb>;

  // Any Kysely of the calbridge database: the table is typed here, next to the only code that reads it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(db: Kysely<any>) {
    this.db = db.withTables<ChatDb>() as unknown as Kysely<ChatDb>;
  }

  async append(
    tenantId: string,
    userId: string,
    entries: Array<Pick<ChatHistoryEntry, 'role' | 'text' | 'answer'>>,
    at: Date,
    keep: number,
  ): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('chat_messages')
        .values(
          entries.map((e) => ({
            tenant_id: tenantId,
            user_id: userId,
            role: e.role,
            text: e.text,
            answer: e.answer === null ? null : JSON.stringify(e.answer),
            created_at: at,
          })),
        )
        .execute();
      // Only the newest `keep` stay: the oldest seq still kept is the keep-th newest.
      const floor = await tx
        .selectFrom('chat_messages')
        .select('seq')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .orderBy('seq', 'desc')
        .offset(keep - 1)
        .limit(1)
        .executeTakeFirst();
      if (floor)
        await tx
          .deleteFrom('chat_messages')
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .where('seq', '<', floor.seq)
          .execute();
    });
  }

  async list(tenantId: string, userId: string, limit: number): Promise<ChatHistoryEntry[]> {
    const rows = await this.db
      .selectFrom('chat_messages')
      .select(['id', 'role', 'text', 'answer', 'created_at'])
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map((r) => ({
      id: r.id,
      role: r.role,
      text: r.text,
      answer: r.answer,
      createdAt: new Date(r.created_at).toISOString(),
    }));
  }

  async clear(tenantId: string, userId: string): Promise<number> {
    const r = await this.db
      .deleteFrom('chat_messages')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
