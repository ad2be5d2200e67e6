// jsdom and DOMPurify, loaded on first use: a window to parse HTML in and a DOMPurify bound to it. Both are CommonJS
// packages, required synchronously when a body is first sanitised or read as text, so the sanitising functions stay
// synchronous; a start that never sees an HTML body loads neither (jsdom and its window were about 0.3–0.5 s of CPU
// and some 20 MB of every start; issue 20).
import { createRequire } from 'node:module';
import type { DOMPurify } from 'dompurify';

const require = createRequire(import.meta.url);

export interface HtmlDom {
  window: Window;
  purify: DOMPurify;
}

let made: HtmlDom | null = null;

/** The one window and DOMPurify of this process, made on the first call. */
export function htmlDom(): HtmlDom {
  if (!made) {
    const { JSDOM } = require('jsdom') as typeof import('jsdom');
    const createDOMPurify = require('dompurify') as (w: unknown) => DOMPurify;
    const window = new JSDOM('').window as unknown as Window;
    made = { window, purify: createDOMPurify(window) };
  }
  return made;
}
