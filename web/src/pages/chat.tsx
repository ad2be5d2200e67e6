// The chat panel: commands to POST /api/chat; answers with slots, events or a proposal link (approval still required).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { request } from '../api/client';
import { errorText } from '../components/async';
import { Link } from '../router';

interface ChatAnswer {
  intent: string;
  reply: string;
  proposalId?: string | null;
  choices?: Array<{ id: string; name: string }>;
}
interface Message {
  who: 'user' | 'bot';
  text: string;
  answer?: ChatAnswer;
}

export function ChatPanel({ standalone, onClose }: { standalone?: boolean; onClose?: () => void }) {
  const [messages, setMessages] = useState<Message[]>([
    {
      who: 'bot',
      text: 'Try "Find time for a meeting with Acme next week" or "Show my calendar for this week".',
    },
  ]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'nearest' });
  }, [messages]);
  useEffect(() => {
    input.current?.focus();
  }, []);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    const message = text.trim();
    if (!message) return;
    setText('');
    setMessages((m) => [...m, { who: 'user', text: message }]);
    setBusy(true);
    try {
      const answer = await request<ChatAnswer>('post', '/api/chat', {
        body: { message, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone },
      });
      setMessages((m) => [...m, { who: 'bot', text: answer.reply, answer }]);
    } catch (err) {
      setMessages((m) => [...m, { who: 'bot', text: `Sorry: ${errorText(err)}` }]);
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };
  return (
    <aside id="chat-panel" className={standalone ? 'chat standalone' : 'chat'} aria-label="Chat">
      <div className="page-head">
        <h2>Chat</h2>
        {onClose && (
          <button type="button" className="link" onClick={onClose}>
            Close
          </button>
        )}
      </div>
      <ol aria-live="polite" aria-label="Conversation">
        {messages.map((m, i) => (
          <li key={i} className={m.who} data-intent={m.answer?.intent}>
            <span className="sr-only">{m.who === 'user' ? 'You: ' : 'calbridge: '}</span>
            <span style={{ whiteSpace: 'pre-line' }}>{m.text}</span>
            {m.answer?.proposalId && (
              <p>
                <Link to="/approvals">Review and approve the proposal</Link>
              </p>
            )}
          </li>
        ))}
        <li ref={end} aria-hidden="true" style={{ padding: 0, margin: 0 }} />
      </ol>
      <form onSubmit={(e) => void send(e)}>
        <label htmlFor="chat-input" className="sr-only">
          Message
        </label>
        <input
          id="chat-input"
          ref={input}
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={500}
          placeholder="Ask calbridge…"
          disabled={busy}
        />
        <button type="submit" className="primary" disabled={busy || !text.trim()}>
          {busy ? '…' : 'Send'}
        </button>
      </form>
    </aside>
  );
}
