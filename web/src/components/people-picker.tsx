// Pickers with autocomplete (the ARIA combobox pattern): people from GET /api/directory/people (colleagues, people of
// the connected mailbox's organisation directory with their job titles, and customers' stakeholders) and customers
// from GET /api/customers?search=. Type, arrow keys to move, Enter to pick; an address typed in full can be added.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { api } from '../api/client';

export interface PickedPerson {
  email: string;
  name: string | null;
}

interface Option {
  key: string;
  label: string;
  detail: string;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** An input with a listbox of options loaded for what is typed. */
function Combobox<T>({
  label,
  placeholder,
  load,
  toOption,
  onPick,
  onFree,
  hint,
}: {
  label: string;
  placeholder: string;
  load: (q: string, signal: AbortSignal) => Promise<T[]>;
  toOption: (t: T) => Option;
  onPick: (t: T) => void;
  /** What typing Enter without a highlighted option does (e.g. add the typed address); false: nothing. */
  onFree?: (text: string) => boolean;
  hint?: string;
}) {
  const id = useId();
  const [text, setText] = useState('');
  const [items, setItems] = useState<T[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const q = useDebounced(text.trim(), 150);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    if (!q) return setItems([]);
    const ctl = new AbortController();
    loadRef.current(q, ctl.signal).then(
      (r) => {
        setItems(r);
        setActive(r.length ? 0 : -1);
      },
      () => !ctl.signal.aborted && setItems([]),
    );
    return () => ctl.abort();
  }, [q]);
  const pick = (t: T) => {
    onPick(t);
    setText('');
    setItems([]);
    setOpen(false);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(items.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      const t = open && active >= 0 ? items[active] : undefined;
      if (t) {
        e.preventDefault();
        pick(t);
      } else if (onFree && text.trim()) {
        e.preventDefault();
        if (onFree(text.trim())) setText('');
      }
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  };
  const shown = open && items.length > 0;
  return (
    <div className="combo">
      <label htmlFor={`${id}-in`}>{label}</label>
      <input
        id={`${id}-in`}
        role="combobox"
        aria-expanded={shown}
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={shown && active >= 0 ? `${id}-o${active}` : undefined}
        aria-describedby={hint ? `${id}-hint` : undefined}
        autoComplete="off"
        value={text}
        placeholder={placeholder}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onKeyDown={onKey}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        onFocus={() => setOpen(true)}
      />
      {hint && (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      )}
      <ul id={`${id}-list`} role="listbox" aria-label={label} className="combo-list" hidden={!shown}>
        {items.map((t, i) => {
          const o = toOption(t);
          return (
            <li
              key={o.key}
              id={`${id}-o${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(t);
              }}
            >
              <span className="combo-label">{o.label}</span> <span className="combo-detail">{o.detail}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

type DirectoryPerson = {
  email: string;
  name: string | null;
  kind: 'colleague' | 'directory' | 'stakeholder';
  customerName: string | null;
  role: string | null;
  jobTitle: string | null;
};

/** Why the organisation's directory was not searched, in words (null when it was, or when there is nothing to do). */
export function directoryNoteOf(source: { status: string; provider: string | null }): string | null {
  const name = source.provider === 'GOOGLE' ? 'Google Calendar' : 'Outlook';
  if (source.status === 'scope_missing')
    return `Your organisation’s directory isn’t searched: reconnect ${name} in Settings and allow it to find colleagues.`;
  if (source.status === 'reconnect_required')
    return `Your organisation’s directory isn’t searched until you reconnect ${name} in Settings.`;
  if (source.status === 'timeout' || source.status === 'unavailable')
    return 'Your organisation’s directory didn’t answer in time: showing calbridge’s people and your customers’ contacts.';
  return null;
}

/** What an option says under the name: who the person is to the user, and the address. */
export function personDetail(p: DirectoryPerson): string {
  const who =
    p.kind === 'stakeholder'
      ? [p.customerName ?? 'customer', p.role].filter(Boolean).join(', ')
      : p.kind === 'colleague'
        ? ['colleague', p.jobTitle].filter(Boolean).join(', ')
        : (p.jobTitle ?? 'in your organisation’s directory');
  return `${who} · ${p.email}`;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** People to invite: chips of the chosen ones and a search box. */
export function PeoplePicker({
  value,
  onChange,
}: {
  value: PickedPerson[];
  onChange: (people: PickedPerson[]) => void;
}) {
  const add = (p: PickedPerson) => {
    const email = p.email.toLowerCase();
    if (!value.some((x) => x.email === email)) onChange([...value, { email, name: p.name }]);
  };
  const [directoryNote, setDirectoryNote] = useState<string | null>(null);
  return (
    <div className="people-picker">
      <ul className="chips" aria-label="Invited">
        {value.map((p) => (
          <li key={p.email} className="chip">
            <span title={p.email}>{p.name ?? p.email}</span>
            <button
              type="button"
              className="chip-x"
              aria-label={`Remove ${p.name ?? p.email}`}
              onClick={() => onChange(value.filter((x) => x.email !== p.email))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <Combobox<DirectoryPerson>
        label="Add a person"
        placeholder="Name or address"
        hint="Colleagues, your organisation’s directory and your customers’ contacts; or type a full address and press Enter."
        load={async (q, signal) => {
          const r = await api.get('/api/directory/people', { query: { q }, signal });
          setDirectoryNote(directoryNoteOf(r.sources.provider));
          return r.items;
        }}
        toOption={(p) => ({ key: p.email, label: p.name ?? p.email, detail: personDetail(p) })}
        onPick={(p) => add({ email: p.email, name: p.name })}
        onFree={(text) => {
          if (!EMAIL.test(text)) return false;
          add({ email: text, name: null });
          return true;
        }}
      />
      {directoryNote && <p className="hint">{directoryNote}</p>}
    </div>
  );
}

type CustomerItem = { id: string; name: string; domains: string[] };

/** A customer chosen by name. */
export function CustomerPicker({ onPick }: { onPick: (c: CustomerItem) => void }) {
  return (
    <Combobox<CustomerItem>
      label="Customer"
      placeholder="Search customers"
      load={async (search, signal) =>
        (await api.get('/api/customers', { query: { search, limit: 10 }, signal })).items as CustomerItem[]
      }
      toOption={(c) => ({ key: c.id, label: c.name, detail: c.domains.join(', ') })}
      onPick={onPick}
    />
  );
}
