// The people picker as a keyboard user meets it: typing asks GET /api/directory/people, the options name each person
// with who they are (a directory colleague's job title, a customer's contact), arrow keys and Enter pick one.
import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

const get = vi.fn();
vi.mock('../api/client', () => ({ api: { get: (...a: unknown[]) => get(...a) } }));
const { PeoplePicker, directoryNoteOf, personDetail } = await import('./people-picker');

const zelda = {
  email: 'zelda.quartermaine@contoso.com',
  name: 'Zelda Quartermaine',
  kind: 'directory' as const,
  customerId: null,
  customerName: null,
  role: null,
  jobTitle: 'Head of Legal',
};
const john = {
  email: 'john.doe@acmecorp.com',
  name: 'John Doe',
  kind: 'stakeholder' as const,
  customerId: 'c1',
  customerName: 'Acme',
  role: 'VP',
  jobTitle: null,
};

afterEach(() => {
  get.mockReset();
  vi.useRealTimers();
});

describe('PeoplePicker', () => {
  it('lists directory matches with their job title and picks one with the keyboard', async () => {
    vi.useFakeTimers();
    get.mockResolvedValue({ items: [zelda, john], sources: { calbridge: 'ok', provider: { status: 'ok' } } });
    const onChange = vi.fn();
    render(<PeoplePicker value={[]} onChange={onChange} />);
    const box = screen.getByRole('combobox', { name: 'Add a person' });
    fireEvent.focus(box);
    fireEvent.change(box, { target: { value: 'z' } });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(200);
    });
    expect(get).toHaveBeenCalledWith('/api/directory/people', expect.objectContaining({ query: { q: 'z' } }));
    const options = screen.getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual([
      'Zelda Quartermaine Head of Legal · zelda.quartermaine@contoso.com',
      'John Doe Acme, VP · john.doe@acmecorp.com',
    ]);
    expect(box.getAttribute('aria-activedescendant')).toBe(options[0]!.id);
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    expect(box.getAttribute('aria-activedescendant')).toBe(options[1]!.id);
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onChange).toHaveBeenCalledWith([{ email: zelda.email, name: 'Zelda Quartermaine' }]);
  });

  it('says who each kind of person is', () => {
    expect(personDetail({ ...zelda, jobTitle: null })).toBe(
      'in your organisation’s directory · zelda.quartermaine@contoso.com',
    );
    expect(personDetail({ ...zelda, kind: 'colleague' })).toBe(
      'colleague, Head of Legal · zelda.quartermaine@contoso.com',
    );
    expect(personDetail(john)).toBe('Acme, VP · john.doe@acmecorp.com');
  });

  it('says in words why the organisation’s directory was not searched', async () => {
    vi.useFakeTimers();
    get.mockResolvedValue({
      items: [],
      sources: {
        calbridge: 'ok',
        provider: { status: 'scope_missing', provider: 'MICROSOFT', missingScope: 'User.ReadBasic.All' },
      },
    });
    render(<PeoplePicker value={[]} onChange={() => undefined} />);
    fireEvent.change(screen.getByRole('combobox', { name: 'Add a person' }), { target: { value: 'zel' } });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(200);
    });
    expect(screen.getByText(/reconnect Outlook in Settings/)).toBeTruthy();
    expect(document.body.textContent).not.toContain('scope_missing');
    expect(directoryNoteOf({ status: 'ok', provider: 'GOOGLE' })).toBeNull();
    expect(directoryNoteOf({ status: 'not_connected', provider: null })).toBeNull();
  });
});
