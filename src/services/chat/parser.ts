// Rule-based, offline chat command parser: intents by keywords, dates via chrono-node, fuzzy account names.
import { DateTime } from 'luxon';
import { AppError } from '../../domain/errors.js';
import { MATCH_THRESHOLD, matchAccounts, nameSimilarity, nameTokens, tokenize, type AccountMatch } from './fuzzy.js';
import type {
  CancelMeetingCommand,
  FindTimeCommand,
  IntentParser,
  ParseContext,
  ParsedCommand,
  RescheduleMeetingCommand,
  ScheduleMeetingCommand,
} from './types.js';
import { extractRepeat } from './repeat.js';
import { extractDuration, extractWhen, type WhenSpec } from './when.js';

export const DEFAULT_TEMPLATES = ['QBR', 'kickoff', 'check-in'];
/** Longer messages are not commands; refusing them keeps parsing cheap. */
export const MAX_COMMAND_LENGTH = 500;
/** Scores closer than this are a tie between accounts. */
const TIE = 0.01;

export const HELP =
  'I can schedule, move and cancel meetings, find times that suit everyone and show your calendar. Try: ' +
  '"Find time for a meeting with Acme next week", ' +
  '"Schedule a Teams meeting with Contoso tomorrow at 3pm for 30 minutes", ' +
  '"Move my Acme meeting to Thursday 3pm", "Cancel my meeting with Acme tomorrow", ' +
  '"QBR with Acme in two weeks", "Weekly sync with Acme on Mondays until March 1" or ' +
  '"Show my Outlook calendar for this week".';

/** Words that are part of the command, never of an account name. */
const COMMAND_WORDS = new Set(
  (
    'schedule book set setup up arrange organize organise plan create add put invite meet meeting meetings call ' +
    'a an the with for find time times slot slots show my me our outlook google calendar teams microsoft online ' +
    'video please can could you i we to on at in of and about some new quick lets let s us need want would like ' +
    'sync catch chat session review discuss go over when free available availability suggest look looking search ' +
    'propose any what is are do have this next week today tomorrow ' +
    'cancel cancelled canceled off delete remove drop scrap reschedule move push postpone shift change bring forward ' +
    'back later earlier from instead by upcoming ' +
    'standup stand daily weekly monthly every each until times repeat recurring series'
  ).split(' '),
);
/** Words that may follow "with" without being an account ("with the team", "with them"). */
const FILLER_AFTER_WITH = new Set('a an the team them him her everyone people folks someone me us my our'.split(' '));

const SHOW =
  /\b(show|display|list|view|open|see|check)\b.*\b(calendar|schedule|agenda|diary|meetings|events)\b|\bwhat('s| is| do i have)\b.*\b(on|calendar|scheduled|planned)\b/i;
const FIND =
  /\b(find|suggest|look(ing)? for|search for|propose)\b.*\b(time|times|slot|slots|availability|opening|window)\b|\bwhen (can|could|are|is)\b|\bfind (a )?time\b/i;
const SCHEDULE = /\b(schedule|book|set ?up|arrange|organi[sz]e|plan|create|add|put|invite|meet|meeting|call)\b/i;
/** Calling off an existing meeting. */
const CANCEL = /\b(cancel|call off|calls? off|delete|remove|scrap|drop)\b/i;
/** Moving an existing meeting. */
const RESCHEDULE = /\b(re-?schedule|move|push( back)?|postpone|shift|bring forward|change the time of)\b/i;
/** The words before the new time of a reschedule: "to Thursday 3pm", "until next week". */
const TARGET = /\b(?:to|until|till|into|for)\b/gi;
/** "show me next week": a bare "show" with a date also means the calendar. */
const SHOW_WHEN = /^(show|display|view)( me)?\b/i;
/** An online meeting: Teams, Google Meet or just "online"/"video" (the user's provider decides which). */
const TEAMS = /\b(ms |microsoft )?teams\b|\bgoogle meet\b|\bonline (meeting|call)\b|\bvideo (meeting|call)\b/i;

const compact = (s: string): string => tokenize(s).join('');

function unknown(reason: 'not_understood' | 'account_not_found' | 'empty' | 'too_long', lead?: string): ParsedCommand {
  return { intent: 'unknown', reason, help: lead ? `${lead} ${HELP}` : HELP };
}

/** Finds a template name (any spelling: "kick-off", "Kick off", "check in", "QBRs") and removes it. */
function extractTemplate(text: string, templates: readonly string[]): { name: string; rest: string } | null {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  for (const len of [2, 1]) {
    for (let i = 0; i + len <= words.length; i++) {
      const phrase = compact(words.slice(i, i + len).join(' '));
      const name = templates.find((t) => compact(t) === phrase || `${compact(t)}s` === phrase);
      if (name) return { name, rest: [...words.slice(0, i), ...words.slice(i + len)].join(' ') };
    }
  }
  return null;
}

/** The words after each "with" / "for", up to the next connective: where an account is usually named. */
function namedTargets(text: string): string[] {
  const parts = text.split(/\b(?:with|for)\b/i).slice(1);
  return parts
    .map((p) => p.split(/\b(?:about|on|at|to|regarding|re|and then)\b|[,.;!?]/i)[0]!.trim())
    .filter((p) => tokenize(p).some((w) => !FILLER_AFTER_WITH.has(w) && !COMMAND_WORDS.has(w)));
}

/**
 * Hides exact mentions of account names behind placeholders, so that names made of date words ("March
 * Networks", "Friday Ltd") are not read as dates or durations. `restore` puts the original words back.
 * Names are compared without legal forms, so "Friday Ltd" is the one word "friday".
 */
function maskAccountNames(
  text: string,
  accounts: ParseContext['accounts'],
): { text: string; restore: (s: string) => string } {
  const names = accounts
    .flatMap((a) => [a.name, ...(a.aliases ?? [])])
    .map((n) => nameTokens(n))
    .filter((t) => t.length > 0 && !t.every((w) => COMMAND_WORDS.has(w)))
    .sort((a, b) => b.join(' ').length - a.join(' ').length);
  const saved: string[] = [];
  let out = text;
  for (const tokens of names) {
    // A one-word name ("Friday") is only masked right after "with"/"for"/"meet", so "on Friday" stays a date.
    const lead = tokens.length > 1 ? '(?<![A-Za-z0-9])' : '(?<=\\b(?:with|for|meet|and)\\s+)';
    const re = new RegExp(`${lead}${tokens.join('[^A-Za-z0-9]+')}(?![A-Za-z0-9])`, 'gi');
    out = out.replace(re, (m) => {
      saved.push(m);
      return `qqacct${String.fromCharCode(97 + ((saved.length - 1) % 26)).repeat(1 + Math.floor((saved.length - 1) / 26))}qq`;
    });
  }
  const restore = (s: string): string =>
    s.replace(/qqacct([a-z]+)qq/g, (_m, code: string) => saved[(code.length - 1) * 26 + code.charCodeAt(0) - 97] ?? '');
  return { text: out, restore };
}

type AccountResult =
  | { kind: 'none' }
  | { kind: 'missing'; phrase: string; nearest: string | null }
  | { kind: 'match'; best: AccountMatch; others: AccountMatch[] }
  | { kind: 'tie'; choices: AccountMatch[] };

function resolveAccount(text: string, accounts: ParseContext['accounts']): AccountResult {
  const targets = namedTargets(text);
  let matches: AccountMatch[] = [];
  for (const t of targets) {
    matches = matchAccounts(t, accounts, FILLER_AFTER_WITH);
    if (matches.length > 0) break;
  }
  if (matches.length === 0) matches = matchAccounts(text, accounts, COMMAND_WORDS);
  const [best, ...others] = matches;
  if (!best) {
    const phrase = targets[0];
    if (phrase === undefined) return { kind: 'none' };
    const scored = accounts
      .map((a) => ({ a, s: Math.max(...[a.name, ...(a.aliases ?? [])].map((n) => nameSimilarity(phrase, n))) }))
      .sort((x, y) => y.s - x.s)[0];
    return { kind: 'missing', phrase, nearest: scored && scored.s >= 0.5 ? scored.a.name : null };
  }
  const tied = matches.filter((m) => best.score - m.score < TIE);
  if (tied.length > 1) return { kind: 'tie', choices: tied };
  return { kind: 'match', best, others: others.filter((o) => o.score >= MATCH_THRESHOLD) };
}

function thisWeek(now: Date, timeZone: string): { start: string; end: string } {
  const start = DateTime.fromJSDate(now, { zone: timeZone }).startOf('week');
  return { start: start.toUTC().toISO()!, end: start.plus({ weeks: 1 }).toUTC().toISO()! };
}

/**
 * Parses one chat message. Never throws for odd text (answers `unknown` with help); throws `bad_request`
 * only for an invalid context (unknown time zone).
 * @example parseCommand('Schedule a Teams meeting with acme tomorrow at 3pm', ctx)
 *   // → { intent: 'schedule_meeting', accountId: 'acc-1', teams: true, when: { at: '…', … }, … }
 */
export function parseCommand(text: string, ctx: ParseContext): ParsedCommand {
  if (!DateTime.now().setZone(ctx.timeZone).isValid)
    throw new AppError('bad_request', `Unknown time zone: ${ctx.timeZone}`);
  const input = text.replace(/\s+/g, ' ').trim();
  if (input.length === 0) return unknown('empty');
  if (input.length > MAX_COMMAND_LENGTH) return unknown('too_long', 'That message is too long for a command.');

  const masked = maskAccountNames(input, ctx.accounts);
  let rest = masked.text;
  const duration = extractDuration(rest);
  if (duration) rest = duration.rest;
  const change = RESCHEDULE.test(input) ? 'reschedule_meeting' : CANCEL.test(input) ? 'cancel_meeting' : null;
  if (change) return parseChange(change, rest, masked.restore, duration?.value, ctx);
  const repeat = extractRepeat(rest, ctx.now, ctx.timeZone);
  if (repeat) rest = repeat.rest;
  const found = extractWhen(rest, ctx.now, ctx.timeZone);
  if (found) rest = found.rest;
  rest = masked.restore(rest);
  const when: WhenSpec | undefined = found?.value;

  const showWhen = SHOW_WHEN.test(input) && when !== undefined && !SCHEDULE.test(input);
  if ((SHOW.test(input) || showWhen) && !FIND.test(input)) {
    const provider = /\boutlook\b/i.test(input) ? 'outlook' : /\bgoogle\b/i.test(input) ? 'google' : null;
    return { intent: 'show_calendar', range: when?.range ?? thisWeek(ctx.now, ctx.timeZone), provider };
  }
  const template = extractTemplate(rest, ctx.templates ?? DEFAULT_TEMPLATES);
  if (template) rest = template.rest;
  const find = FIND.test(input) || (/\bfind\b/i.test(input) && duration !== null);
  const intent = find ? 'find_time' : SCHEDULE.test(input) || template || repeat ? 'schedule_meeting' : null;
  if (!intent) return unknown('not_understood', 'Sorry, I did not understand that.');

  const account = resolveAccount(rest, ctx.accounts);
  if (account.kind === 'missing') {
    const hint = account.nearest ? ` Did you mean "${account.nearest}"?` : '';
    return unknown('account_not_found', `I don't know an account called "${account.phrase}".${hint}`);
  }
  const base = {
    accountId: account.kind === 'match' ? account.best.id : null,
    accountName: account.kind === 'match' ? account.best.name : null,
    alternatives: account.kind === 'match' ? account.others : [],
    teams: TEAMS.test(input),
    ...(template ? { template: template.name } : {}),
    ...(duration ? { durationMinutes: duration.value } : {}),
    ...(when ? { when } : {}),
    ...(repeat ? { repeat: repeat.value } : {}),
  };
  const command: ScheduleMeetingCommand | FindTimeCommand =
    intent === 'find_time' ? { intent: 'find_time', ...base } : { intent: 'schedule_meeting', ...base };
  if (account.kind === 'tie') {
    const names = account.choices.map((c) => `"${c.name}"`).join(' or ');
    return {
      intent: 'ambiguous',
      question: `Which account do you mean: ${names}?`,
      choices: account.choices,
      pending: command,
    };
  }
  return command;
}

/**
 * A cancel or reschedule of an existing meeting: which one (account, template, the day it is on) and, for a
 * reschedule, the new time after "to" ("move my Acme meeting from Tuesday to Thursday 3pm").
 */
function parseChange(
  intent: 'cancel_meeting' | 'reschedule_meeting',
  text: string,
  restore: (s: string) => string,
  durationMinutes: number | undefined,
  ctx: ParseContext,
): ParsedCommand {
  let rest = text;
  let to: WhenSpec | undefined;
  if (intent === 'reschedule_meeting') {
    // The last "to …" whose words are a date or time is the new time; what comes before says which meeting.
    const cuts = [...rest.matchAll(TARGET)].reverse();
    for (const m of cuts) {
      const tail = rest.slice(m.index + m[0].length);
      const target = extractWhen(tail, ctx.now, ctx.timeZone);
      if (!target) continue;
      to = target.value;
      rest = `${rest.slice(0, m.index)} ${target.rest}`;
      break;
    }
  }
  const found = extractWhen(rest, ctx.now, ctx.timeZone);
  let when = found?.value;
  if (found) rest = found.rest;
  // "my 3pm meeting tomorrow": a time and, further on, the day it is on.
  const day = when?.granularity === 'time' ? extractWhen(rest, ctx.now, ctx.timeZone) : null;
  if (when?.at && day && day.value.granularity === 'day') {
    const t = DateTime.fromISO(when.at, { zone: ctx.timeZone });
    const d = DateTime.fromISO(day.value.range.start, { zone: ctx.timeZone });
    const at = d.set({ hour: t.hour, minute: t.minute });
    when = {
      text: `${when.text} ${day.value.text}`,
      at: at.toUTC().toISO()!,
      range: day.value.range,
      granularity: 'time',
    };
    rest = day.rest;
  }
  rest = restore(rest);
  const template = extractTemplate(rest, ctx.templates ?? DEFAULT_TEMPLATES);
  if (template) rest = template.rest;
  const account = resolveAccount(rest, ctx.accounts);
  if (account.kind === 'missing') {
    const hint = account.nearest ? ` Did you mean "${account.nearest}"?` : '';
    return unknown('account_not_found', `I don't know an account called "${account.phrase}".${hint}`);
  }
  const base = {
    accountId: account.kind === 'match' ? account.best.id : null,
    accountName: account.kind === 'match' ? account.best.name : null,
    alternatives: account.kind === 'match' ? account.others : [],
    ...(template ? { template: template.name } : {}),
    ...(when ? { when } : {}),
  };
  const command: CancelMeetingCommand | RescheduleMeetingCommand =
    intent === 'cancel_meeting'
      ? { intent, ...base }
      : { intent, ...base, ...(to ? { to } : {}), ...(durationMinutes ? { durationMinutes } : {}) };
  if (account.kind === 'tie') {
    const names = account.choices.map((c) => `"${c.name}"`).join(' or ');
    return {
      intent: 'ambiguous',
      question: `Which account do you mean: ${names}?`,
      choices: account.choices,
      pending: command,
    };
  }
  return command;
}

/** The offline IntentParser: `parseCommand` behind the async port a language-model parser would also implement. */
export class RuleBasedIntentParser implements IntentParser {
  parse(text: string, ctx: ParseContext): Promise<ParsedCommand> {
    return Promise.resolve(parseCommand(text, ctx));
  }
}
