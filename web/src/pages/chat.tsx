// The chat panel: commands to POST /api/chat, answered with cards (a proposal with what happens on approval, meetings
// to choose from, slots to pick: a picked slot prepares the proposal). The conversation is kept per user on the server
// (GET /api/chat/history) and restored when the panel opens. On a phone the panel is a full-screen sheet; Escape or
// Close closes it and gives focus back to what opened it.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { request } from '../api/client';
import { errorText } from '../components/async';
import { browserZone, dateTime, time } from '../format';
import { approvalsChanged } from '../query';
import { Link } from '../router';
import './chat.css';

interface Person {
  email: string;
  name: string | null;
}
interface Slot {
  start: string;
  end: string;
  confidence: number;
  suggestionReason?: string;
  reason?: string;
}
interface ProposalCard {
  id: string;
  status: string;
  action: 'create' | 'update' | 'delete';
  subject: string;
  start: string;
  end: string;
  previousStart: string | null;
  previousEnd: string | null;
  teams: boolean;
  attendees: Person[];
  expiresAt: string;
  /** A series: how it repeats, in words; null (or absent) for a single meeting. */
  repeat?: string | null;
  duplicate: boolean;
}
interface MeetingCard {
  id: string;
  subject: string;
  start: string;
  end: string;
  attendees: Person[];
}
export interface ChatAnswer {
  intent: string;
  reply: string;
  proposalId?: string | null;
  proposal?: ProposalCard;
  slots?: Slot[];
  meetings?: MeetingCard[];
  accountId?: string;
  meetingId?: string;
  reason?: string;
  choices?: Array<{ id: string; name: string }>;
  errorCode?: string;
}
interface Message {
  who: 'user' | 'bot';
  text: string;
  answer?: ChatAnswer;
  /** The user's words this answer replies to (sent again with a picked slot, meeting or account). */
  asked?: string;
}
interface HistoryEntry {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  answer: ChatAnswer | null;
  picked: Followup | null;
}
interface Followup {
  start?: string;
  meetingId?: string;
  accountId?: string;
}

const GREETING: Message = {
  who: 'bot',
  text: 'Try "Find time for a meeting with Acme next week", "Move my Acme meeting to Thursday 3pm" or "Cancel my meeting with Acme tomorrow".',
};

const span = (start: string, end: string) => `${dateTime(start)}–${time(end)}`;
const names = (list: Person[]) => list.map((p) => p.name ?? p.email).join(', ') || 'no attendees';

const ACTION_TITLE: Record<ProposalCard['action'], string> = {
  create: 'New meeting',
  update: 'Move',
  delete: 'Cancellation',
};
const STATUS_WORDS: Record<string, string> = {
  pending: 'Waiting for approval',
  approving: 'Being approved',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired',
  failed: 'Could not be carried out',
};

function ProposalView({ p }: { p: ProposalCard }) {
  return (
    <section className={`chat-card proposal ${p.action}`} aria-label={`${ACTION_TITLE[p.action]} proposal`}>
      <p className="chat-card-head">
        <strong>{ACTION_TITLE[p.action]}</strong>
        <span className="chat-status">{STATUS_WORDS[p.status] ?? p.status}</span>
      </p>
      <p className="chat-subject">{p.subject}</p>
      {p.action === 'update' && p.previousStart && p.previousEnd ? (
        <p>
          <del aria-label={`was ${span(p.previousStart, p.previousEnd)}`}>{span(p.previousStart, p.previousEnd)}</del>
          {' → '}
          <ins>{span(p.start, p.end)}</ins>
        </p>
      ) : (
        <p>{span(p.start, p.end)}</p>
      )}
      {p.repeat && <p className="chat-repeat">Repeats: {p.repeat}</p>}
      <p className="chat-people">With {names(p.attendees)}</p>
      {p.duplicate && <p className="chat-note">This was already waiting for approval: nothing new was prepared.</p>}
      <p>
        <Link to={`/approvals/${p.id}`}>Review and approve</Link>
      </p>
    </section>
  );
}

export function ChatPanel({ standalone, onClose }: { standalone?: boolean; onClose?: () => void }) {
  const [messages, setMessages] = useState<Message[]>([GREETING]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const end = useRef<HTMLLIElement>(null);
  // What had focus when the panel opened (the Chat button): it gets focus back when the panel closes.
  const opener = useRef<Element | null>(typeof document === 'undefined' ? null : document.activeElement);
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'nearest' });
  }, [messages]);
  useEffect(() => {
    input.current?.focus();
    let live = true;
    request<{ items: HistoryEntry[] }>('get', '/api/chat/history', { query: { limit: 50 } }).then(
      (h) => {
        if (!live || h.items.length === 0) return;
        const restored: Message[] = [];
        let asked: string | undefined;
        for (const e of h.items) {
          if (e.role === 'user') {
            asked = e.text;
            restored.push({
              who: 'user',
              text: e.picked?.start ? `${e.text} (picked ${dateTime(e.picked.start)})` : e.text,
            });
          } else restored.push({ who: 'bot', text: e.text, answer: e.answer ?? undefined, asked });
        }
        setMessages((m) => [GREETING, ...restored, ...m.slice(1)]);
      },
      () => undefined, // no history: the panel still works
    );
    return () => {
      live = false;
    };
  }, []);

  const close = () => {
    onClose?.();
    const back = opener.current;
    if (back instanceof HTMLElement && back.isConnected) back.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && onClose) {
      e.stopPropagation();
      close();
    }
  };

  const ask = async (message: string, shown: string, followup: Followup = {}) => {
    setMessages((m) => [...m, { who: 'user', text: shown }]);
    setBusy(true);
    try {
      const answer = await request<ChatAnswer>('post', '/api/chat', {
        body: { message, timeZone: browserZone(), ...followup },
      });
      setMessages((m) => [...m, { who: 'bot', text: answer.reply, answer, asked: message }]);
      if (answer.proposal && !answer.proposal.duplicate) approvalsChanged();
    } catch (err) {
      setMessages((m) => [...m, { who: 'bot', text: `Sorry: ${errorText(err)}` }]);
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };
  const send = (e: FormEvent) => {
    e.preventDefault();
    const message = text.trim();
    if (!message) return;
    setText('');
    void ask(message, message);
  };

  return (
    <aside
      id="chat-panel"
      className={standalone ? 'chat standalone' : 'chat sheet'}
      aria-label="Chat"
      onKeyDown={onKeyDown}
    >
      <div className="page-head">
        <h2>Chat</h2>
        {onClose && (
          <button type="button" className="link chat-close" onClick={close}>
            Close<span className="sr-only"> chat</span>
          </button>
        )}
      </div>
      <ol aria-live="polite" aria-label="Conversation">
        {messages.map((m, i) => {
          const a = m.answer;
          const asked = m.asked ?? '';
          const verb = a?.intent === 'cancel_meeting' ? 'Cancel' : 'Move';
          return (
            <li key={i} className={m.who} data-intent={a?.intent}>
              <span className="sr-only">{m.who === 'user' ? 'You: ' : 'calbridge: '}</span>
              <span className="chat-text">{m.text}</span>
              {a?.proposal && <ProposalView p={a.proposal} />}
              {!a?.proposal && a?.proposalId && (
                <p>
                  <Link to="/approvals">Review and approve the proposal</Link>
                </p>
              )}
              {a?.slots && a.slots.length > 0 && asked && (
                <div className="chat-slots" role="group" aria-label="Suggested times">
                  {a.slots.map((s) => (
                    <button
                      type="button"
                      key={s.start}
                      className="chat-slot"
                      disabled={busy}
                      onClick={() =>
                        void ask(asked, `${a.meetingId ? 'Move it to' : 'Propose'} ${span(s.start, s.end)}`, {
                          start: s.start,
                          ...(a.meetingId ? { meetingId: a.meetingId } : {}),
                          ...(a.accountId ? { accountId: a.accountId } : {}),
                        })
                      }
                    >
                      <span className="chat-slot-time">{span(s.start, s.end)}</span>
                      {(s.reason ?? s.suggestionReason) && (
                        <span className="chat-slot-reason">{s.reason ?? s.suggestionReason}</span>
                      )}
                    </button>
                  ))}
                </div>
              )}
              {a?.meetings &&
                a.meetings.length > 1 &&
                asked &&
                (a.intent === 'cancel_meeting' || a.intent === 'reschedule_meeting') && (
                  <ul className="chat-meetings" aria-label="Matching meetings">
                    {a.meetings.map((mt) => (
                      <li key={mt.id} className="chat-card">
                        <p className="chat-subject">{mt.subject}</p>
                        <p>{span(mt.start, mt.end)}</p>
                        <p className="chat-people">With {names(mt.attendees)}</p>
                        <button
                          type="button"
                          disabled={busy}
                          onClick={() =>
                            void ask(asked, `${verb} "${mt.subject}" on ${dateTime(mt.start)}`, { meetingId: mt.id })
                          }
                        >
                          {verb} this one
                          <span className="sr-only">
                            : {mt.subject}, {dateTime(mt.start)}
                          </span>
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              {a?.choices && a.choices.length > 0 && asked && (
                <div className="chat-slots" role="group" aria-label="Accounts">
                  {a.choices.map((c) => (
                    <button
                      type="button"
                      key={c.id}
                      className="chat-slot"
                      disabled={busy}
                      onClick={() => void ask(asked, c.name, { accountId: c.id })}
                    >
                      {c.name}
                    </button>
                  ))}
                </div>
              )}
            </li>
          );
        })}
        <li ref={end} aria-hidden="true" className="chat-end" />
      </ol>
      <form onSubmit={send}>
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
