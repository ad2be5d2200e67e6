// The app header: brand, main navigation with the approvals badge, chat toggle, who is signed in and sign-out. On a
// phone (≤ 720 px) it is one compact row; a Menu button opens the navigation below it (Escape or a navigation closes it).
import { useEffect, useRef, useState } from 'react';
import { Link } from '../router';
import './shell.css';

export interface NavItem {
  to: string;
  label: string;
}

export interface HeaderProps {
  nav: NavItem[];
  path: string;
  /** Proposals waiting for the caller; null hides the badge. */
  pending: number | null;
  who: { name: string; role: string };
  chatOpen: boolean;
  onToggleChat: () => void;
  onSignOut: () => void;
}

const current = (n: NavItem, path: string): boolean =>
  path === n.to || path.startsWith(`${n.to}/`) || (n.to.startsWith('/admin') && path.startsWith('/admin'));

function Badge({ count }: { count: number | null }) {
  if (count === null || count <= 0) return null;
  return (
    <span className="count-badge" data-testid="approvals-badge">
      {' '}
      <span aria-hidden="true">{count}</span>
      <span className="sr-only">({count} waiting for you)</span>
    </span>
  );
}

export function Header({ nav, path, pending, who, chatOpen, onToggleChat, onSignOut }: HeaderProps) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  // a navigation closes the menu
  useEffect(() => setOpen(false), [path]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  return (
    <header className="top">
      <span className="brand">calbridge</span>
      <button
        ref={button}
        type="button"
        className="menu-toggle"
        aria-expanded={open}
        aria-controls="main-menu"
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true" className="menu-icon">
          ☰
        </span>{' '}
        Menu
        {!open && <Badge count={pending} />}
      </button>
      <button
        type="button"
        className="chat-toggle"
        aria-expanded={chatOpen}
        aria-controls="chat-panel"
        onClick={onToggleChat}
      >
        {/* one name whether open or not (aria-expanded says which): the panel has its own "Close chat" */}
        Chat
      </button>
      <div id="main-menu" className={open ? 'menu open' : 'menu'} data-testid="main-menu">
        <nav aria-label="Main">
          <ul>
            {nav.map((n) => (
              <li key={n.to}>
                <Link to={n.to} aria-current={current(n, path) ? 'page' : undefined}>
                  {n.label}
                  {n.to === '/approvals' && <Badge count={pending} />}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who" data-testid="signed-in-as">
          <span className="who-name">{who.name}</span> <span className="tag role">{who.role}</span>
        </span>
        <button type="button" className="link" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
