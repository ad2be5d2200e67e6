// Port: the chat's history per user (the messages and the answers' structured content), kept on the server.
export interface ChatHistoryEntry {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  /** The answer's structured content (cards) for an assistant entry; null for the user's words. */
  answer: Record<string, unknown> | null;
  createdAt: string;
}

export interface ChatHistoryStore {
  /** Appends entries in order and keeps only the user's newest `keep`. */
  append(
    tenantId: string,
    userId: string,
    entries: Array<Pick<ChatHistoryEntry, 'role' | 'text' | 'answer'>>,
    at: Date,
    keep: number,
  ): Promise<void>;
  /** The user's newest `limit` entries, oldest first. */
  list(tenantId: string, userId: string, limit: number): Promise<ChatHistoryEntry[]>;
  /** Forgets the user's history; returns how many entries went. */
  clear(tenantId: string, userId: string): Promise<number>;
}
