// Focus on navigation: the page heading takes focus once it renders, but never from something focused meanwhile
// (a confirmation the user opened before a slow page finished loading kept losing focus to the late heading).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { focusPageHeading } from './page';

function mountMain(): HTMLElement {
  const main = document.createElement('main');
  main.id = 'main';
  main.tabIndex = -1;
  document.body.append(main);
  return main;
}

afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

describe('focusPageHeading', () => {
  it('focuses the h1 at once when it is there', () => {
    const main = mountMain();
    main.innerHTML = '<h1>Settings</h1>';
    focusPageHeading();
    expect(document.activeElement?.textContent).toBe('Settings');
    expect(document.activeElement?.getAttribute('tabindex')).toBe('-1');
  });

  it('focuses the h1 when it renders later', async () => {
    const main = mountMain();
    focusPageHeading();
    main.innerHTML = '<h1>Customers</h1>';
    await new Promise((r) => setTimeout(r, 0));
    expect(document.activeElement?.textContent).toBe('Customers');
  });

  it('does not take focus from a dialog opened before the heading rendered', async () => {
    const main = mountMain();
    focusPageHeading();
    const dialog = document.createElement('div');
    dialog.setAttribute('role', 'alertdialog');
    dialog.tabIndex = -1;
    main.append(dialog);
    dialog.focus();
    main.insertAdjacentHTML('afterbegin', '<h1>Settings</h1>');
    await new Promise((r) => setTimeout(r, 0));
    expect(document.activeElement).toBe(dialog);
  });

  it('falls back to main after a second without a heading, unless something else was focused', () => {
    vi.useFakeTimers();
    const main = mountMain();
    focusPageHeading();
    vi.advanceTimersByTime(1000);
    expect(document.activeElement).toBe(main);

    document.body.replaceChildren();
    const main2 = mountMain();
    const button = document.createElement('button');
    main2.append(button);
    (document.activeElement as HTMLElement | null)?.blur();
    focusPageHeading();
    button.focus();
    vi.advanceTimersByTime(1000);
    expect(document.activeElement).toBe(button);
  });
});
