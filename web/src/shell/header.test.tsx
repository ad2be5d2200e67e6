// The header: navigation with the current page marked, the approvals badge, and the phone Menu button that opens and
// closes the navigation (Escape returns focus to the button; a navigation closes it).
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { Header, type HeaderProps } from './header';

const NAV = [
  { to: '/calendar', label: 'My calendar' },
  { to: '/customers', label: 'Customers' },
  { to: '/approvals', label: 'Approvals' },
];

function setup(over: Partial<HeaderProps> = {}) {
  const props: HeaderProps = {
    nav: NAV,
    path: '/customers/42',
    pending: 3,
    who: { name: 'Megan Bowen', role: 'member' },
    chatOpen: false,
    onToggleChat: vi.fn(),
    onSignOut: vi.fn(),
    ...over,
  };
  return { props, ...render(<Header {...props} />) };
}

describe('Header', () => {
  it('marks the current section and shows who is signed in', () => {
    setup();
    expect(screen.getByRole('link', { name: 'Customers' }).getAttribute('aria-current')).toBe('page');
    expect(screen.getByRole('link', { name: 'My calendar' }).getAttribute('aria-current')).toBeNull();
    expect(screen.getByTestId('signed-in-as').textContent).toContain('Megan Bowen');
  });

  it('shows the pending count on Approvals and on the closed menu button, with words for screen readers', () => {
    setup();
    const approvals = screen.getByRole('link', { name: /Approvals/ });
    expect(approvals.textContent).toContain('(3 waiting for you)');
    expect(screen.getByRole('button', { name: /Menu/ }).textContent).toContain('3 waiting for you');
  });

  it('hides the badge when nothing waits', () => {
    setup({ pending: 0 });
    expect(screen.queryByTestId('approvals-badge')).toBeNull();
  });

  it('opens the menu with the Menu button and closes it with Escape, focus back on the button', () => {
    setup();
    const button = screen.getByRole('button', { name: /Menu/ });
    const menu = screen.getByTestId('main-menu');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(button.getAttribute('aria-controls')).toBe(menu.id);
    expect(menu.className).not.toContain('open');
    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(menu.className).toContain('open');
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(button);
  });

  it('closes the menu on navigation', () => {
    const { props, rerender } = setup();
    fireEvent.click(screen.getByRole('button', { name: /Menu/ }));
    expect(screen.getByTestId('main-menu').className).toContain('open');
    rerender(<Header {...props} path="/calendar" />);
    expect(screen.getByTestId('main-menu').className).not.toContain('open');
  });

  it('toggles the chat and signs out', () => {
    const { props, rerender } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Chat' }));
    expect(props.onToggleChat).toHaveBeenCalledOnce();
    // open: the same name, aria-expanded says so (the panel has its own Close chat button)
    rerender(<Header {...props} chatOpen />);
    expect(screen.getByRole('button', { name: 'Chat' }).getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(props.onSignOut).toHaveBeenCalledOnce();
  });
});
