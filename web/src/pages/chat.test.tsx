// The chat panel's cards (component test, API client replaced at its boundary): history restored with its cards, a
// clicked slot sends the asked message back with the slot's start and shows the proposal card, several meetings are
// offered as buttons, Escape closes the panel and gives focus back to what opened it.
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const calls: Array<{ method: string; path: string; opts: unknown }> = [];
let answers: Record<string, unknown> = {};
vi.mock('../api/client', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  request: vi.fn((method: string, path: string, opts: unknown) => {
    calls.push({ method, path, opts });
    const key = `${method} ${path}`;
    const a = answers[key];
    return typeof a === 'function' ? Promise.resolve((a as (o: unknown) => unknown)(opts)) : Promise.resolve(a);
  }),
}));
const { ChatPanel } = await import('./chat');

const proposal = (over: object = {}) => ({
  id: 'p-1',
  status: 'pending',
  action: 'delete',
  subject: 'Acme check-in',
  start: '2026-12-08T10:00:00Z',
  end: '2026-12-08T10:30:00Z',
  previousStart: null,
  previousEnd: null,
  teams: false,
  attendees: [{ email: 'wile@acmecorp.com', name: 'Wile Coyote' }],
  expiresAt: '2026-12-10T10:00:00Z',
  duplicate: false,
  ...over,
});

beforeEach(() => {
  calls.length = 0;
  answers = { 'get /api/chat/history': { items: [] } };
});
afterEach(() => vi.clearAllMocks());

describe('ChatPanel', () => {
  it('restores the conversation with its cards and the time that was picked', async () => {
    answers['get /api/chat/history'] = {
      items: [
        { id: '1', role: 'user', text: 'Cancel my meeting with Acme', answer: null, picked: null },
        {
          id: '2',
          role: 'assistant',
          text: 'I prepared the cancellation.',
          answer: { intent: 'cancel_meeting', reply: 'I prepared the cancellation.', proposal: proposal() },
          picked: null,
        },
        { id: '3', role: 'user', text: 'Find time with Acme', answer: null, picked: { start: '2026-12-09T09:00:00Z' } },
      ],
    };
    render(<ChatPanel />);
    const card = await screen.findByRole('region', { name: 'Cancellation proposal' });
    expect(card.textContent).toContain('Waiting for approval');
    expect(card.textContent).toContain('Wile Coyote');
    expect(card.querySelector('a')?.getAttribute('href')).toContain('/approvals/p-1');
    expect(screen.getByText(/Find time with Acme \(picked /)).toBeTruthy();
  });

  it('sends a clicked slot back with the asked message and shows the proposal it prepared', async () => {
    answers['post /api/chat'] = (o: unknown) => {
      const body = (o as { body: Record<string, unknown> }).body;
      return body.start
        ? {
            intent: 'schedule_meeting',
            reply: 'Prepared.',
            proposal: proposal({ action: 'create', start: body.start }),
          }
        : {
            intent: 'find_time',
            reply: 'Best times.',
            accountId: 'acc-1',
            slots: [{ start: '2026-12-09T09:00:00Z', end: '2026-12-09T09:30:00Z', confidence: 49 }],
          };
    };
    render(<ChatPanel />);
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Find time with Acme next week' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    const slots = await screen.findByRole('group', { name: 'Suggested times' });
    await act(async () => {
      fireEvent.click(slots.querySelector('button')!);
    });
    await screen.findByRole('region', { name: 'New meeting proposal' });
    const sent = calls.filter((c) => c.path === '/api/chat').map((c) => (c.opts as { body: object }).body);
    expect(sent[1]).toMatchObject({
      message: 'Find time with Acme next week',
      start: '2026-12-09T09:00:00Z',
      accountId: 'acc-1',
    });
  });

  it('offers several matching meetings as buttons that send the meeting id', async () => {
    answers['post /api/chat'] = (o: unknown) => {
      const body = (o as { body: Record<string, unknown> }).body;
      if (body.meetingId) return { intent: 'cancel_meeting', reply: 'Prepared.', proposal: proposal() };
      return {
        intent: 'cancel_meeting',
        reply: '2 meetings match.',
        meetings: [
          { id: 'm-1', subject: 'QBR', start: '2026-12-08T10:00:00Z', end: '2026-12-08T11:00:00Z', attendees: [] },
          { id: 'm-2', subject: 'Sync', start: '2026-12-09T10:00:00Z', end: '2026-12-09T11:00:00Z', attendees: [] },
        ],
      };
    };
    render(<ChatPanel />);
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Cancel my meeting with Acme' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    const list = await screen.findByRole('list', { name: 'Matching meetings' });
    await act(async () => {
      fireEvent.click(list.querySelectorAll('button')[1]!);
    });
    await screen.findByRole('region', { name: 'Cancellation proposal' });
    const last = calls.filter((c) => c.path === '/api/chat').at(-1)!.opts as { body: object };
    expect(last.body).toMatchObject({ message: 'Cancel my meeting with Acme', meetingId: 'm-2' });
  });

  it('closes with Escape and gives focus back to what opened it', async () => {
    const opener = document.createElement('button');
    opener.textContent = 'Chat';
    document.body.appendChild(opener);
    opener.focus();
    const onClose = vi.fn();
    render(<ChatPanel onClose={onClose} />);
    await waitFor(() => expect(document.activeElement?.id).toBe('chat-input'));
    fireEvent.keyDown(screen.getByLabelText('Message'), { key: 'Escape' });
    expect(onClose).toHaveBeenCalledOnce();
    expect(document.activeElement).toBe(opener);
    opener.remove();
  });

  it('says how a series proposal repeats on its card', async () => {
    answers['get /api/chat/history'] = {
      items: [
        {
          id: '1',
          role: 'assistant',
          text: 'I prepared a series proposal.',
          answer: {
            intent: 'schedule_meeting',
            reply: 'I prepared a series proposal.',
            proposal: proposal({ action: 'create', repeat: 'Every Tuesday, 6 times' }),
          },
          picked: null,
        },
        {
          id: '2',
          role: 'assistant',
          text: 'Prepared.',
          answer: { intent: 'cancel_meeting', reply: 'Prepared.', proposal: proposal({ id: 'p-2', repeat: null }) },
          picked: null,
        },
      ],
    };
    render(<ChatPanel />);
    const card = await screen.findByRole('region', { name: 'New meeting proposal' });
    expect(card.textContent).toContain('Repeats: Every Tuesday, 6 times');
    const single = await screen.findByRole('region', { name: 'Cancellation proposal' });
    expect(single.textContent).not.toContain('Repeats');
  });
});
