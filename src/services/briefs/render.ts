// Prep brief content: open items from an event body, and the brief as sanitised HTML and plain text.
import { htmlDom } from '../html/dom.js';

/** Visible text of an HTML body, one line per block (scripts, styles and handlers removed first). */
export function htmlToText(html: string): string {
  const blocks = html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|div|li|h[1-6]|tr|pre|blockquote)>/gi, '$&\n');
  const { window, purify } = htmlDom();
  const div = window.document.createElement('div');
  div.innerHTML = purify.sanitize(blocks);
  return div.textContent ?? '';
}

/** Sanitises HTML for an e-mail (DOMPurify: no scripts, event handlers or javascript: URLs). */
export function sanitizeHtml(html: string): string {
  return htmlDom().purify.sanitize(html);
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const OPEN_ITEM =
  /^(?:[-*•]\s*)?(?:\[\s\]\s*|todo\b[:\s-]*|action(?:\s+items?)?\s*:\s*|ai\s*:\s*|follow[ -]?up\s*:\s*|next steps?\s*:\s*)(.+)$/i;

/**
 * Open items in an event body: lines starting with `- [ ]`, `[ ]`, `TODO`, `Action:`, `Action item:`, `AI:`,
 * `Follow-up:` or `Next step:` (case-insensitive), without their marker. HTML bodies are read as text.
 * @example openItems('- [ ] send pricing\nTODO: intro to CFO', 'text') // ['send pricing', 'intro to CFO']
 */
export function openItems(body: string, contentType: string): string[] {
  const text = contentType === 'html' ? htmlToText(body) : body;
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = OPEN_ITEM.exec(raw.trim());
    const item = m?.[1]?.trim();
    if (item) out.push(item.slice(0, 300));
  }
  return out.slice(0, 20);
}

export interface BriefContent {
  customerName: string;
  subject: string;
  start: string;
  attendees: Array<{ email: string; name: string | null; role: string | null; response: string }>;
  lastMeetings: Array<{ subject: string; start: string }>;
  score: number;
  trend: string;
  meetings30: number;
  meetings90: number;
  change30: number;
  openItems: string[];
}

/** The brief as an e-mail: subject, sanitised HTML and plain text. */
export function renderBrief(b: BriefContent): { subject: string; html: string; text: string } {
  const day = (iso: string) => iso.slice(0, 16).replace('T', ' ') + ' UTC';
  const who = (a: BriefContent['attendees'][number]) =>
    `${a.name ? `${a.name} <${a.email}>` : a.email}${a.role ? ` — ${a.role}` : ''} (${a.response})`;
  const sections: Array<[string, string[]]> = [
    ['Attendees', b.attendees.map(who)],
    ['Last meetings', b.lastMeetings.map((m) => `${day(m.start)} — ${m.subject}`)],
    [
      'Engagement',
      [
        `Score ${b.score}/100, trend ${b.trend}`,
        `${b.meetings30} meetings in the last 30 days (${b.change30 >= 0 ? '+' : ''}${b.change30} vs the 30 before), ${b.meetings90} in 90 days`,
      ],
    ],
    ['Open items', b.openItems],
  ];
  const title = `Prep: ${b.subject} with ${b.customerName} — ${day(b.start)}`;
  const text = [
    title,
    ...sections.map(([h, lines]) => `\n${h}\n${lines.map((l) => `- ${l}`).join('\n') || '- none'}`),
  ].join('\n');
  const html = sanitizeHtml(
    `<h2>${escapeHtml(title)}</h2>` +
      sections
        .map(
          ([h, lines]) =>
            `<h3>${escapeHtml(h)}</h3><ul>${(lines.length ? lines : ['none']).map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
        )
        .join(''),
  );
  return { subject: title, html, text };
}
