// Unit tests for the chat command parser: intents, accounts (fuzzy, ambiguous, unknown), templates, dates.
import { describe, expect, it } from 'vitest';
import { HELP, parseCommand, RuleBasedIntentParser } from './parser.js';
import type { ParseContext, ParsedCommand } from './types.js';

const ctx: ParseContext = {
  now: new Date('2026-11-22T12:00:00Z'), // Sunday 04:00 in Los Angeles
  timeZone: 'America/Los_Angeles',
  accounts: [
    { id: 'acme', name: 'Acme Corp' },
    { id: 'contoso', name: 'Contoso Ltd', aliases: ['CTS'] },
    { id: 'nw-traders', name: 'Northwind Traders' },
    { id: 'nw-health', name: 'Northwind Health' },
    { id: 'fabrikam', name: 'Fabrikam, Inc.' },
    { id: 'boa', name: 'Bank of America' },
  ],
};

function meeting(cmd: ParsedCommand) {
  if (cmd.intent !== 'schedule_meeting' && cmd.intent !== 'find_time') throw new Error(`got ${cmd.intent}`);
  return cmd;
}

describe('parseCommand: intents', () => {
  it.each([
    ['Schedule a Teams meeting with Acme', 'schedule_meeting', true],
    ['schedule a teams meeting with acme corp', 'schedule_meeting', true],
    ['Book a call with Contoso', 'schedule_meeting', false],
    ['Schedule a Google Meet with Acme', 'schedule_meeting', true],
    ['Set up an online meeting with Fabrikam', 'schedule_meeting', true],
    ['Find time for a meeting with Acme', 'find_time', false],
    ['When can I meet Acme?', 'find_time', false],
    ['Suggest some times for a Teams call with Contoso', 'find_time', true],
    ['Find a slot to meet contoso', 'find_time', false],
    ['find 45 minutes with Contoso this friday', 'find_time', false],
    ['When is everyone at Acme free next week?', 'find_time', false],
  ])('%s → %s (teams %s)', (text, intent, teams) => {
    const cmd = meeting(parseCommand(text, ctx));
    expect(cmd.intent).toBe(intent);
    expect(cmd.teams).toBe(teams);
    expect(cmd.accountId).not.toBeNull();
  });

  it('shows the calendar for this week by default and names the provider', () => {
    const cmd = parseCommand('Show my Outlook calendar for this week', ctx);
    expect(cmd).toEqual({
      intent: 'show_calendar',
      provider: 'outlook',
      range: { start: '2026-11-16T08:00:00.000Z', end: '2026-11-23T08:00:00.000Z' },
    });
    expect(parseCommand('show my calendar', ctx)).toMatchObject({
      provider: null,
      range: { start: '2026-11-16T08:00:00.000Z' },
    });
    expect(parseCommand("What's on my Google calendar tomorrow?", ctx)).toEqual({
      intent: 'show_calendar',
      provider: 'google',
      range: { start: '2026-11-23T08:00:00.000Z', end: '2026-11-24T08:00:00.000Z' },
    });
  });

  it('reads a bare "show me" with a date as the calendar', () => {
    expect(parseCommand('show me next week', ctx)).toEqual({
      intent: 'show_calendar',
      provider: null,
      range: { start: '2026-11-23T08:00:00.000Z', end: '2026-11-30T08:00:00.000Z' },
    });
  });

  it('answers unknown with help for what it does not understand', () => {
    for (const text of ['hello there', 'what is the weather like', 'asdfgh']) {
      const cmd = parseCommand(text, ctx);
      expect(cmd).toMatchObject({ intent: 'unknown', reason: 'not_understood' });
      expect(cmd.intent === 'unknown' && cmd.help).toContain('Find time for a meeting with Acme next week');
    }
    expect(parseCommand('   ', ctx)).toEqual({ intent: 'unknown', reason: 'empty', help: HELP });
    expect(parseCommand(`schedule ${'x'.repeat(600)}`, ctx)).toMatchObject({ intent: 'unknown', reason: 'too_long' });
  });

  it('rejects an invalid time zone in the context with bad_request', () => {
    expect(() => parseCommand('show my calendar', { ...ctx, timeZone: 'Moon/Base' })).toThrow(
      expect.objectContaining({ code: 'bad_request' }),
    );
  });
});

describe('parseCommand: accounts', () => {
  it.each([
    ['Schedule a meeting with ACME', 'acme'],
    ['Schedule a meeting with acmee', 'acme'],
    ['Schedule a meeting with Acme Corp Inc.', 'acme'],
    ['find time with Contosso next week', 'contoso'],
    ['schedule a call with CTS', 'contoso'],
    ['meet fabrikam tomorrow', 'fabrikam'],
    ['book a meeting with Northwnd Health', 'nw-health'],
    ['Schedule a meeting with bank of america on Monday', 'boa'],
  ])('%s → %s', (text, id) => {
    expect(meeting(parseCommand(text, ctx)).accountId).toBe(id);
  });

  it('asks which account when two match equally, keeping the rest of the command', () => {
    const cmd = parseCommand('Book a kick-off with Northwind tomorrow at 9am', ctx);
    expect(cmd.intent).toBe('ambiguous');
    if (cmd.intent !== 'ambiguous') return;
    expect(cmd.choices.map((c) => c.id).sort()).toEqual(['nw-health', 'nw-traders']);
    expect(cmd.question).toBe('Which account do you mean: "Northwind Health" or "Northwind Traders"?');
    expect(cmd.pending).toMatchObject({
      intent: 'schedule_meeting',
      accountId: null,
      template: 'kickoff',
      when: { at: '2026-11-23T17:00:00.000Z' },
    });
  });

  it('says so when the named account does not exist, suggesting a close one', () => {
    expect(parseCommand('meeting with Globex', ctx)).toMatchObject({ intent: 'unknown', reason: 'account_not_found' });
    const near = parseCommand('schedule a meeting with Fabrizio', ctx);
    expect(near.intent === 'unknown' && near.help).toContain('Did you mean "Fabrikam, Inc."?');
  });

  it('leaves the account empty when none is named', () => {
    const cmd = meeting(parseCommand('Schedule a meeting tomorrow at 3pm', ctx));
    expect(cmd.accountId).toBeNull();
    expect(cmd.when?.at).toBe('2026-11-23T23:00:00.000Z');
    expect(meeting(parseCommand('schedule a meeting with the team', ctx)).accountId).toBeNull();
  });
});

describe('parseCommand: templates, durations and dates', () => {
  it('reads "QBR with Acme in two weeks" as a QBR proposal for that week', () => {
    expect(parseCommand('QBR with Acme in two weeks', ctx)).toEqual({
      intent: 'schedule_meeting',
      accountId: 'acme',
      accountName: 'Acme Corp',
      alternatives: [],
      teams: false,
      template: 'QBR',
      when: {
        text: 'in two weeks',
        at: null,
        granularity: 'week',
        range: { start: '2026-11-30T08:00:00.000Z', end: '2026-12-07T08:00:00.000Z' },
      },
    });
  });

  it.each([
    ['Set up a check in with Fabrikam', 'check-in'],
    ['schedule a Kickoff with Acme', 'kickoff'],
    ['Acme QBR next month', 'QBR'],
    ['book a checkin with contoso', 'check-in'],
  ])('%s → template %s', (text, template) => {
    expect(meeting(parseCommand(text, ctx)).template).toBe(template);
  });

  it('uses the caller’s template list', () => {
    const cmd = meeting(parseCommand('Schedule a renewal review with Acme', { ...ctx, templates: ['Renewal review'] }));
    expect(cmd.template).toBe('Renewal review');
  });

  it('combines account, duration, date and Teams', () => {
    const cmd = meeting(
      parseCommand('Find time for a Teams meeting with acme next Tuesday afternoon for 30 minutes', ctx),
    );
    expect(cmd).toMatchObject({ intent: 'find_time', accountId: 'acme', teams: true, durationMinutes: 30 });
    expect(cmd.when).toEqual({
      text: 'next Tuesday afternoon',
      at: null,
      granularity: 'partOfDay',
      range: { start: '2026-11-24T20:00:00.000Z', end: '2026-11-25T01:00:00.000Z' },
    });
    expect(meeting(parseCommand('Schedule an hour with Contoso tomorrow at 3pm', ctx))).toMatchObject({
      durationMinutes: 60,
      accountId: 'contoso',
      when: { at: '2026-11-23T23:00:00.000Z' },
    });
  });

  it('reads a bare hour from 1 to 7 as afternoon, and keeps explicit am', () => {
    const bare = meeting(parseCommand('Can you set up a 30 min Teams call with Acme next Wed at 2?', ctx));
    expect(bare).toMatchObject({
      teams: true,
      durationMinutes: 30,
      accountId: 'acme',
      when: { at: '2026-11-25T22:00:00.000Z' },
    });
    expect(meeting(parseCommand('meet Acme Wednesday at 7am', ctx)).when?.at).toBe('2026-11-25T15:00:00.000Z');
    expect(meeting(parseCommand('meet Acme Wednesday at 9', ctx)).when?.at).toBe('2026-11-25T17:00:00.000Z');
  });

  it('reads dates on the user’s own clock: the same words give different instants per zone', () => {
    const la = meeting(parseCommand('Schedule a meeting with Acme tomorrow at 9am', ctx));
    const berlin = meeting(
      parseCommand('Schedule a meeting with Acme tomorrow at 9am', { ...ctx, timeZone: 'Europe/Berlin' }),
    );
    expect(la.when?.at).toBe('2026-11-23T17:00:00.000Z');
    expect(berlin.when?.at).toBe('2026-11-23T08:00:00.000Z');
    const summer = meeting(
      parseCommand('Schedule a meeting with Acme tomorrow at 9am', { ...ctx, now: new Date('2026-07-01T18:00:00Z') }),
    );
    expect(summer.when?.at).toBe('2026-07-02T16:00:00.000Z');
  });
});

describe('RuleBasedIntentParser', () => {
  it('implements IntentParser with the same answers as parseCommand', async () => {
    const parser = new RuleBasedIntentParser();
    const text = 'Find time for a meeting with Acme next week';
    await expect(parser.parse(text, ctx)).resolves.toEqual(parseCommand(text, ctx));
  });
});

describe('parseCommand: typo tolerance', () => {
  it('accepts a one-letter typo in a longer name as that account', () => {
    expect(meeting(parseCommand('schedule a meeting with Fabrikan', ctx)).accountId).toBe('fabrikam');
  });
});

describe('parseCommand: account names made of date words', () => {
  const dated: ParseContext = {
    ...ctx,
    accounts: [...ctx.accounts, { id: 'march', name: 'March Networks' }, { id: 'friday', name: 'Friday Ltd' }],
  };

  it('does not read "March Networks" or "Friday Ltd" as dates', () => {
    const a = meeting(parseCommand('Schedule a meeting with March Networks tomorrow at 10am', dated));
    expect(a).toMatchObject({ accountId: 'march', when: { at: '2026-11-23T18:00:00.000Z' } });
    const b = meeting(parseCommand('Find time with Friday Ltd next week for 45 minutes', dated));
    expect(b).toMatchObject({ accountId: 'friday', durationMinutes: 45, when: { granularity: 'week' } });
    expect(meeting(parseCommand('book a call with friday', dated)).when).toBeUndefined();
  });
});

describe('parseCommand: one-word account names that are date words', () => {
  it('still reads "on Friday" as a date when an account is called Friday Ltd', () => {
    const dated: ParseContext = { ...ctx, accounts: [...ctx.accounts, { id: 'friday', name: 'Friday Ltd' }] };
    const cmd = meeting(parseCommand('Schedule a meeting with Acme on Friday', dated));
    expect(cmd).toMatchObject({
      accountId: 'acme',
      when: { granularity: 'day', range: { start: '2026-11-27T08:00:00.000Z' } },
    });
  });
});

describe('parseCommand: cancel and reschedule an existing meeting', () => {
  it('reads "cancel my meeting with Acme tomorrow" as a cancel of tomorrow’s Acme meeting, never a new one', () => {
    expect(parseCommand('cancel my meeting with Acme tomorrow', ctx)).toMatchObject({
      intent: 'cancel_meeting',
      accountId: 'acme',
      when: { granularity: 'day', range: { start: '2026-11-23T08:00:00.000Z', end: '2026-11-24T08:00:00.000Z' } },
    });
    expect(parseCommand('Cancel my meeting with Acme', ctx)).toMatchObject({
      intent: 'cancel_meeting',
      accountId: 'acme',
    });
    expect(parseCommand('Please call off the Contoso QBR', ctx)).toMatchObject({
      intent: 'cancel_meeting',
      accountId: 'contoso',
      template: 'QBR',
    });
  });

  it('combines a time and a later day: "my 3pm meeting tomorrow"', () => {
    expect(parseCommand('cancel my 3pm meeting tomorrow', ctx)).toMatchObject({
      intent: 'cancel_meeting',
      accountId: null,
      when: { at: '2026-11-23T23:00:00.000Z', granularity: 'time' },
    });
  });

  it('reads the new time after "to" and the current day before it', () => {
    expect(parseCommand('move my Acme meeting to Thursday 3pm', ctx)).toMatchObject({
      intent: 'reschedule_meeting',
      accountId: 'acme',
      to: { at: '2026-11-26T23:00:00.000Z', granularity: 'time' },
    });
    const both = parseCommand('move my meeting with Acme from Tuesday to Thursday 3pm', ctx);
    expect(both).toMatchObject({
      intent: 'reschedule_meeting',
      when: { granularity: 'day', range: { start: '2026-11-24T08:00:00.000Z' } },
      to: { at: '2026-11-26T23:00:00.000Z' },
    });
  });

  it('reads a period as the new time to search in, and a template as the kind of meeting', () => {
    const cmd = parseCommand('reschedule the QBR with Contoso to next week', ctx);
    expect(cmd).toMatchObject({
      intent: 'reschedule_meeting',
      accountId: 'contoso',
      template: 'QBR',
      to: { at: null, granularity: 'week', range: { start: '2026-11-23T08:00:00.000Z' } },
    });
    expect(cmd).not.toHaveProperty('when');
    const bare = parseCommand('postpone my Acme call', ctx);
    expect(bare).toMatchObject({ intent: 'reschedule_meeting', accountId: 'acme' });
    expect(bare).not.toHaveProperty('to');
  });

  it('asks which account when two match, keeping the cancel as the pending command', () => {
    const cmd = parseCommand('cancel the meeting with Northwind', ctx);
    expect(cmd.intent).toBe('ambiguous');
    if (cmd.intent !== 'ambiguous') return;
    expect(cmd.pending.intent).toBe('cancel_meeting');
    expect(cmd.choices.map((c) => c.id).sort()).toEqual(['nw-health', 'nw-traders']);
  });

  it('does not take cancel words for an account, and still schedules when nothing is cancelled', () => {
    expect(parseCommand('cancel my meeting with Globex', ctx)).toMatchObject({
      intent: 'unknown',
      reason: 'account_not_found',
    });
    expect(parseCommand('Schedule a meeting with Acme tomorrow at 3pm', ctx).intent).toBe('schedule_meeting');
  });
});

describe('parseCommand: repeating meetings', () => {
  // Saturday 12 December 2026, 10:00 UTC (the CI pin)
  const sat = { ...ctx, now: new Date('2026-12-12T10:00:00Z'), timeZone: 'UTC' };

  it('"every Tuesday for 6 weeks": weekly on Tuesdays, six weeks, first on the coming Tuesday', () => {
    const cmd = meeting(parseCommand('schedule a QBR with Acme every Tuesday for 6 weeks', sat));
    expect(cmd).toMatchObject({
      intent: 'schedule_meeting',
      accountId: 'acme',
      template: 'QBR',
      repeat: { frequency: 'weekly', daysOfWeek: ['tuesday'], forPeriod: { n: 6, unit: 'week' } },
    });
    expect(cmd.when?.range.start).toBe('2026-12-15T00:00:00.000Z');
  });

  it('"weekly sync … on Mondays until March 1": weekly on Mondays with an end date ahead, a schedule intent', () => {
    const cmd = meeting(parseCommand('weekly sync with Contoso on Mondays until March 1', sat));
    expect(cmd).toMatchObject({
      intent: 'schedule_meeting',
      accountId: 'contoso',
      repeat: { frequency: 'weekly', daysOfWeek: ['monday'], until: '2027-03-01' },
    });
    expect(cmd.when?.range.start).toBe('2026-12-14T00:00:00.000Z');
  });

  it('"daily standup … for 10 days at 9am", counts, intervals and several days', () => {
    const daily = meeting(parseCommand('daily standup with Acme for 10 days at 9am', sat));
    expect(daily).toMatchObject({ repeat: { frequency: 'daily', forPeriod: { n: 10, unit: 'day' } } });
    expect(daily.when?.at).toBe('2026-12-13T09:00:00.000Z');
    expect(meeting(parseCommand('Book a call with Contoso every other week, 4 times', sat)).repeat).toMatchObject({
      frequency: 'weekly',
      interval: 2,
      count: 4,
    });
    expect(
      meeting(parseCommand('Schedule a meeting with Acme every Monday and Thursday at 2pm', sat)).repeat,
    ).toMatchObject({ frequency: 'weekly', daysOfWeek: ['monday', 'thursday'] });
    expect(meeting(parseCommand('monthly check-in with Fabrikam for 3 months', sat)).repeat).toMatchObject({
      frequency: 'monthly',
      forPeriod: { n: 3, unit: 'month' },
    });
    // no repeat words: no repeat
    expect(meeting(parseCommand('Schedule a meeting with Acme on Tuesday', sat)).repeat).toBeUndefined();
  });
});

describe('parseCommand: the host zone does not move the user’s dates', () => {
  // chrono-node works in the host's zone; the parser must give the same answer on a server in New York, Tokyo or UTC
  // (CI's server pass runs under America/New_York). Each case is said at `now`, in the user's zone `zone`.
  const cases: Array<{ now: string; zone: string; text: string; at: string; until?: string }> = [
    // a Tuesday 00:25 UTC: "every Tuesday at 10am" starts that morning
    {
      now: '2026-12-08T00:25:00Z',
      zone: 'UTC',
      text: 'QBR with Acme every Tuesday for 6 weeks at 10am',
      at: '2026-12-08T10:00:00.000Z',
    },
    // a Tuesday 12:00 UTC: 10am has passed, so the next Tuesday
    {
      now: '2026-12-08T12:00:00Z',
      zone: 'UTC',
      text: 'QBR with Acme every Tuesday for 6 weeks at 10am',
      at: '2026-12-15T10:00:00.000Z',
    },
    // a Monday 07:00 UTC: "on Mondays at 11am" starts that day
    {
      now: '2026-12-07T07:00:00Z',
      zone: 'UTC',
      text: 'weekly sync with Acme on Mondays at 11am until December 28, 2026',
      at: '2026-12-07T11:00:00.000Z',
      until: '2026-12-28',
    },
    // Monday 23:30 in Los Angeles (Tuesday 07:30 UTC): "tomorrow" is the user's Tuesday
    {
      now: '2026-12-08T07:30:00Z',
      zone: 'America/Los_Angeles',
      text: 'meet Acme tomorrow at 9am',
      at: '2026-12-08T17:00:00.000Z',
    },
    // Tuesday 08:30 in Tokyo (Monday 23:30 UTC): "on Tuesday at 9am" is that morning in Tokyo
    {
      now: '2026-12-07T23:30:00Z',
      zone: 'Asia/Tokyo',
      text: 'meet Acme on Tuesday at 9am',
      at: '2026-12-08T00:00:00.000Z',
    },
  ];
  const hosts = ['UTC', 'America/New_York', 'Asia/Tokyo', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'];

  it.each(hosts)('on a host in %s', (host) => {
    onHostIn(host, () => {
      expect(new Date(2026, 11, 8).toString(), 'the host zone took effect').toContain(
        new Intl.DateTimeFormat('en-US', { timeZone: host, timeZoneName: 'longOffset' })
          .formatToParts(new Date(2026, 11, 8))
          .find((p) => p.type === 'timeZoneName')!
          .value.replace(/^GMT$/, 'GMT+0000')
          .replace(':', ''),
      );
      for (const c of cases) {
        const cmd = meeting(parseCommand(c.text, { ...ctx, now: new Date(c.now), timeZone: c.zone }));
        expect(cmd.when?.at, `${c.text} at ${c.now} (${c.zone})`).toBe(c.at);
        if (c.until) expect(cmd.repeat?.until).toBe(c.until);
      }
    });
  });
});

/** Runs `fn` with the process's own zone set to `zone` (Node applies a changed TZ at once), then puts it back. */
function onHostIn(zone: string, fn: () => void): void {
  // eslint-disable-next-line no-restricted-properties -- the host's zone is what these tests vary, not configuration
  const env = process.env;
  const before = env.TZ;
  env.TZ = zone;
  try {
    fn();
  } finally {
    if (before === undefined) delete env.TZ;
    else env.TZ = before;
  }
}
