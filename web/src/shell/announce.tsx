// One polite live region for the whole app: announce('Saved') is read by screen readers without moving focus.
import { useEffect, useState } from 'react';

const EVENT = 'calbridge:announce';

/** Reads `message` to screen-reader users (politely, after what they are hearing). */
export function announce(message: string): void {
  window.dispatchEvent(new CustomEvent<string>(EVENT, { detail: message }));
}

/** The live region; the shell renders it once. */
export function LiveRegion() {
  const [text, setText] = useState('');
  useEffect(() => {
    let t: number | undefined;
    const on = (e: Event) => {
      // cleared first, so the same message twice is announced twice
      setText('');
      window.clearTimeout(t);
      t = window.setTimeout(() => setText((e as CustomEvent<string>).detail), 50);
    };
    window.addEventListener(EVENT, on);
    return () => {
      window.removeEventListener(EVENT, on);
      window.clearTimeout(t);
    };
  }, []);
  return (
    <div className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="live-region">
      {text}
    </div>
  );
}
