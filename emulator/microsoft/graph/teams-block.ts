// The Teams join block of an online meeting's body: Exchange writes it into the HTML body when it creates the
// meeting, and a body edit that drops it turns the online meeting off (see docs/fidelity.md, "Teams join block").
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';

/** The horizontal rule (a run of underscores) that opens and closes the block, as in Outlook's invitations. */
const RULE = '_'.repeat(80);
const RULE_RE = /_{40,}/;

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The block for a meeting: rule, heading, join link, meeting id, rule. */
export function joinBlockHtml(meeting: MicrosoftGraph.OnlineMeetingInfo): string {
  const rule = `<span style="white-space:nowrap;color:#5F5F5F;opacity:.36">${RULE}</span>`;
  const href = escapeHtml(meeting.joinUrl ?? '');
  return [
    `<div style="width:100%">${rule}</div>`,
    `<div class="me-email-text" lang="en-US" style="color:#252424;font-family:'Segoe UI',Helvetica,Arial,sans-serif">`,
    `<div style="margin-top:24px;margin-bottom:20px"><span style="font-size:24px">Microsoft Teams meeting</span></div>`,
    `<div style="margin-bottom:20px"><a class="me-email-headline" href="${href}" target="_blank" rel="noreferrer noopener">Join the meeting now</a></div>`,
    `<div style="margin-bottom:20px"><span>Meeting ID: ${escapeHtml(meeting.conferenceId ?? '')}</span></div>`,
    `</div>`,
    `<div style="font-size:14px;margin-bottom:4px">${rule}</div>`,
  ].join('\n');
}

/** Whether a body still carries the join block of the meeting whose join URL is `joinUrl`. */
export function hasJoinBlock(body: MicrosoftGraph.ItemBody | null | undefined, joinUrl: string): boolean {
  const content = body?.content ?? '';
  if (!RULE_RE.test(content)) return false;
  return content.includes(joinUrl) || content.includes(escapeHtml(joinUrl));
}

/** A text body as HTML (escaped, line breaks kept), so a block can be added to it. */
function asHtml(body: MicrosoftGraph.ItemBody): string {
  if (String(body.contentType).toLowerCase() === 'html') return body.content ?? '';
  const text = escapeHtml(body.content ?? '').replace(/\r?\n/g, '<br>');
  return text ? `<p>${text}</p>` : '';
}

/** The body with the meeting's join block added before `</body>` (an HTML document; text bodies become HTML). */
export function withJoinBlock(
  body: MicrosoftGraph.ItemBody | null | undefined,
  meeting: MicrosoftGraph.OnlineMeetingInfo,
): MicrosoftGraph.ItemBody {
  const html = asHtml(body ?? { contentType: 'html', content: '' });
  const block = joinBlockHtml(meeting);
  const doc = /<html[\s>]/i.test(html) ? html : `<html><head></head><body>${html}</body></html>`;
  const at = doc.toLowerCase().lastIndexOf('</body>');
  const content = at < 0 ? `${doc}\n${block}` : `${doc.slice(0, at)}\n${block}\n${doc.slice(at)}`;
  return { contentType: 'html', content };
}

/** The body without a join block (when the meeting is turned off explicitly). */
export function withoutJoinBlock(body: MicrosoftGraph.ItemBody): MicrosoftGraph.ItemBody {
  const content = body.content ?? '';
  const rules = [...content.matchAll(/_{40,}/g)];
  if (rules.length < 2) return body;
  const first = rules[0]!.index;
  const last = rules[rules.length - 1]!;
  const start = Math.max(0, content.lastIndexOf('<div', first));
  const close = content.indexOf('</div>', last.index + last[0].length);
  const end = close < 0 ? last.index + last[0].length : close + '</div>'.length;
  return { ...body, content: `${content.slice(0, start).replace(/\n$/, '')}${content.slice(end).replace(/^\n/, '')}` };
}
