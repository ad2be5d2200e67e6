// Google mapping: drafts to Calendar v3 bodies and back, recurrence lines, extended properties, calendars.
import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../../domain/calendar.js';
import {
  draftToGoogleEvent,
  googleCalendarToInfo,
  googleEventToCalendarEvent,
  recurrenceLines,
  recurrenceOf,
} from './mapping.js';

describe('Google mapping', () => {
  it('writes a draft in its zone and reads the same event back', () => {
    const d: EventDraft = {
      subject: 'Roadmap',
      body: { contentType: 'html', content: '<p>Agenda</p>' },
      start: '2026-03-30T07:00:00.000Z',
      end: '2026-03-30T08:00:00.000Z',
      timeZone: 'Europe/Berlin',
      attendees: [
        { email: 'Megan.Bowen@contoso.com', type: 'required' },
        { email: 'x@acmecorp.com', type: 'optional' },
      ],
      location: { displayName: 'Rainier', address: null, roomEmail: 'rainier@contoso.com' },
      showAs: 'tentative',
      categories: ['Customer'],
      reminderMinutes: 15,
    };
    const body = draftToGoogleEvent(d, { externalId: 'cb-1', id: 'abc12345' });
    expect(body.start).toEqual({ dateTime: '2026-03-30T09:00:00+02:00', timeZone: 'Europe/Berlin' });
    expect(body.attendees).toContainEqual({ email: 'rainier@contoso.com', resource: true });
    const ev = googleEventToCalendarEvent(
      {
        ...body,
        etag: '"e1"',
        organizer: { email: 'adele@contoso.com' },
        attendees: body.attendees?.map((a) => ({ ...a, responseStatus: 'needsAction' })),
      },
      { calendarId: null, mailbox: 'adele@contoso.com' },
    );
    expect(ev).toMatchObject({
      subject: 'Roadmap',
      start: d.start,
      end: d.end,
      timeZone: 'Europe/Berlin',
      showAs: 'tentative',
      categories: ['Customer'],
      externalId: 'cb-1',
      reminderMinutes: 15,
      changeKey: '"e1"',
      responseStatus: 'organizer',
    });
    expect(ev.location).toEqual({ displayName: 'Rainier', address: null, roomEmail: 'rainier@contoso.com' });
    expect(ev.attendees.find((a) => a.email === 'megan.bowen@contoso.com')).toMatchObject({
      type: 'required',
      response: 'notResponded',
    });
  });

  it('round-trips recurrence with EXDATEs in the series zone', () => {
    const r = {
      rrule: 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6',
      timeZone: 'Europe/Berlin',
      startLocal: '2026-03-02T09:00:00',
      exDates: ['2026-03-04T09:00:00'],
    };
    const lines = recurrenceLines(r);
    expect(lines).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6', 'EXDATE;TZID=Europe/Berlin:20260304T090000']);
    expect(recurrenceOf(lines, { dateTime: '2026-03-02T09:00:00+01:00', timeZone: 'Europe/Berlin' }, 'UTC')).toEqual(r);
    expect(
      recurrenceOf(
        ['RRULE:FREQ=DAILY', 'EXDATE:20260303T080000Z'],
        { dateTime: '2026-03-02T09:00:00+01:00', timeZone: 'Europe/Berlin' },
        'UTC',
      )?.exDates,
    ).toEqual(['2026-03-03T09:00:00']);
  });

  it("writes a timed series' date-only UNTIL as the UTC end of that local date; an all-day series keeps the date", () => {
    const r = {
      rrule: 'FREQ=DAILY;INTERVAL=1;UNTIL=20260630',
      timeZone: 'Europe/Berlin',
      startLocal: '2026-03-02T09:00:00',
      exDates: [],
    };
    expect(recurrenceLines(r)).toEqual(['RRULE:FREQ=DAILY;INTERVAL=1;UNTIL=20260630T215959Z']);
    expect(recurrenceLines(r, { allDay: true })).toEqual(['RRULE:FREQ=DAILY;INTERVAL=1;UNTIL=20260630']);
  });

  it('reads instances, all-day events, cancellations and Meet links', () => {
    const inst = googleEventToCalendarEvent(
      {
        id: 'm_20260303T080000Z',
        recurringEventId: 'm',
        originalStartTime: { dateTime: '2026-03-03T09:00:00+01:00' },
        start: { dateTime: '2026-03-03T10:00:00+01:00' },
        end: { dateTime: '2026-03-03T11:00:00+01:00' },
        hangoutLink: 'https://meet.google.com/abc-defg-hij',
        status: 'confirmed',
      },
      { calendarId: 'c', mailbox: 'a@x.com' },
    );
    expect(inst).toMatchObject({
      type: 'exception',
      seriesMasterId: 'm',
      originalStart: '2026-03-03T08:00:00.000Z',
      onlineMeeting: { provider: 'googleMeet', joinUrl: 'https://meet.google.com/abc-defg-hij' },
    });
    const allDay = googleEventToCalendarEvent(
      {
        id: 'd',
        start: { date: '2026-12-24' },
        end: { date: '2026-12-26' },
        status: 'cancelled',
        transparency: 'transparent',
      },
      { calendarId: null, mailbox: 'a@x.com' },
    );
    expect(allDay).toMatchObject({
      isAllDay: true,
      start: '2026-12-24T00:00:00.000Z',
      end: '2026-12-26T00:00:00.000Z',
      isCancelled: true,
      showAs: 'free',
    });
  });

  it('maps calendar list entries: primary is the default, Meet from conferenceProperties', () => {
    const own = googleCalendarToInfo(
      {
        id: 'a@x.com',
        summary: 'a@x.com',
        primary: true,
        accessRole: 'owner',
        conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
      },
      { mailbox: 'a@x.com' },
    );
    expect(own).toMatchObject({
      isDefault: true,
      isShared: false,
      canEdit: true,
      allowedOnlineMeetingProviders: ['googleMeet'],
    });
    const room = googleCalendarToInfo(
      {
        id: 'rainier@x.com',
        summary: 'Rainier',
        accessRole: 'freeBusyReader',
        conferenceProperties: { allowedConferenceSolutionTypes: [] },
      },
      { mailbox: 'a@x.com' },
    );
    expect(room).toMatchObject({ isDefault: false, isShared: true, canEdit: false, allowedOnlineMeetingProviders: [] });
  });
});
