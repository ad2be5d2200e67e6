// The Teams join block in an online meeting's body. Graph keeps the meeting only while the body carries it: a PATCH
// whose body lacks the block turns the meeting off (update-event notes), so body updates re-append it.
import type { EventBody } from '../../domain/calendar.js';

/** Outlook opens and closes the block with a line of underscores (80 in practice; 40 or more is accepted here). */
const RULE = /_{40,}/g;

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function mentions(html: string, joinUrl: string): boolean {
  return html.includes(joinUrl) || html.includes(escapeHtml(joinUrl));
}

/**
 * The join block of an HTML body: from the element holding the first underscore rule to the one closing the last
 * rule. Null when there are not two rules, or when the block does not mention `joinUrl` (when given).
 * @example findJoinBlock(currentBody.content, event.onlineMeeting.joinUrl)
 */
export function findJoinBlock(html: string, joinUrl: string | null): string | null {
  const rules = [...html.matchAll(RULE)];
  if (rules.length < 2) return null;
  const first = rules[0]!.index;
  const last = rules[rules.length - 1]!;
  const open = html.lastIndexOf('<div', first);
  const start = open < 0 ? first : open;
  const afterRule = last.index + last[0].length;
  const close = html.indexOf('</div>', afterRule);
  const end = close < 0 ? afterRule : close + '</div>'.length;
  const block = html.slice(start, end);
  if (joinUrl !== null && !mentions(block, joinUrl)) return null;
  return block;
}

/** True when a body already carries a join block for `joinUrl` (a caller sent back the body it read). */
export function hasJoinBlock(body: EventBody, joinUrl: string | null): boolean {
  return body.contentType === 'html' && findJoinBlock(body.content, joinUrl) !== null;
}

/**
 * The new body with the block appended: an HTML body gets it before `</body>` (or at the end); a text body becomes
 * HTML (escaped, line breaks kept) so the block can follow it. A body that already carries it is returned as is.
 */
export function withJoinBlock(body: EventBody, block: string, joinUrl: string | null): EventBody {
  if (hasJoinBlock(body, joinUrl)) return body;
  const html =
    body.contentType === 'html'
      ? body.content
      : body.content === ''
        ? ''
        : `<p>${escapeHtml(body.content).replace(/\r?\n/g, '<br>')}</p>`;
  const at = html.toLowerCase().lastIndexOf('</body>');
  const content = at < 0 ? `${html}\n${block}` : `${html.slice(0, at)}\n${block}\n${html.slice(at)}`;
  return { contentType: 'html', content };
}
