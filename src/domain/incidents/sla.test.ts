import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_SLA_POLICY, dueAt, parseDuration, slaStatus, validateCalendar } from './sla.ts';
import type { BusinessCalendar, SlaPolicy } from './sla.ts';
import { assertInvalid } from '../../../test/helpers/invalid.ts';

const at = (iso: string): Date => new Date(iso);
const iso = (date: Date): string => date.toISOString();

// Malaysia keeps UTC+8 all year; Germany switches on the last Sundays of March and October.
const KUALA_LUMPUR: BusinessCalendar = { timeZone: 'Asia/Kuala_Lumpur', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
const BERLIN: BusinessCalendar = { timeZone: 'Europe/Berlin', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
/** A weekend night shift in Berlin that spans both DST changes (at 02:00 local). */
const BERLIN_NIGHTS: BusinessCalendar = { timeZone: 'Europe/Berlin', days: [6, 7], start: '01:00', end: '04:00' };
const RIYADH: BusinessCalendar = { timeZone: 'Asia/Riyadh', days: [7, 1, 2, 3, 4], start: '08:00', end: '15:00' };

describe('parseDuration', () => {
  test('minutes, hours and 24-hour days in milliseconds', () => {
    assert.equal(parseDuration('30m'), 1_800_000);
    assert.equal(parseDuration('4h'), 14_400_000);
    assert.equal(parseDuration('2d'), 172_800_000);
    assert.equal(parseDuration(' 366d '), 366 * 86_400_000);
  });

  test('refuses anything else', () => {
    for (const text of ['0m', '4', 'h', '4H', '1.5h', '-1h', '4 h', '367d', '', '1w']) {
      assertInvalid(() => parseDuration(text, 'window'), 'window', 'must be a duration such as 30m, 4h or 2d, of at most 366d');
    }
  });
});

describe('validateCalendar', () => {
  test('accepts a working week, up to midnight', () => {
    assert.equal(validateCalendar(KUALA_LUMPUR), KUALA_LUMPUR);
    validateCalendar({ timeZone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' });
  });

  test('names what is wrong', () => {
    assertInvalid(
      () => validateCalendar({ ...KUALA_LUMPUR, timeZone: 'Mars/Olympus_Mons' }),
      'calendar.timeZone',
      'must be an IANA time zone such as Asia/Kuala_Lumpur',
    );
    for (const days of [[], [0], [8], [1.5]]) {
      assertInvalid(
        () => validateCalendar({ ...KUALA_LUMPUR, days }, 'team.calendar'),
        'team.calendar.days',
        'must list ISO weekdays from 1 (Monday) to 7 (Sunday)',
      );
    }
    for (const start of ['9:00', '24:01', '25:00', '09:60', '']) {
      assertInvalid(
        () => validateCalendar({ ...KUALA_LUMPUR, start }),
        'calendar.start',
        'must be a local time from 00:00 to 24:00, such as 09:00',
      );
    }
    for (const end of ['09:00', '08:59']) {
      assertInvalid(() => validateCalendar({ ...KUALA_LUMPUR, end }), 'calendar.end', 'must be later than start');
    }
  });
});

describe('dueAt', () => {
  test('on the 24×7 clock the calendar plays no part', () => {
    // Saturday 10:00 in Kuala Lumpur.
    assert.equal(iso(dueAt(at('2026-03-07T02:00:00Z'), '4h', KUALA_LUMPUR, false)), '2026-03-07T06:00:00.000Z');
    assert.equal(iso(dueAt(at('2026-03-07T02:00:00Z'), '30m', KUALA_LUMPUR, false)), '2026-03-07T02:30:00.000Z');
  });

  test('a Friday-afternoon start in Kuala Lumpur rolls over the weekend', () => {
    // Friday 16:00 + 4h: one hour on Friday, three on Monday, due Monday 12:00 MYT.
    assert.equal(iso(dueAt(at('2026-03-06T08:00:00Z'), '4h', KUALA_LUMPUR, true)), '2026-03-09T04:00:00.000Z');
    // A business-time day is 24 working hours: 1 + 8 + 8 + 7, due Wednesday 16:00 MYT.
    assert.equal(iso(dueAt(at('2026-03-06T08:00:00Z'), '1d', KUALA_LUMPUR, true)), '2026-03-11T08:00:00.000Z');
  });

  test('a window that fills the day ends at closing time, not the next morning', () => {
    // Tuesday 09:00 + 8h: Tuesday 17:00 MYT.
    assert.equal(iso(dueAt(at('2026-03-10T01:00:00Z'), '8h', KUALA_LUMPUR, true)), '2026-03-10T09:00:00.000Z');
  });

  test('a start outside business hours waits for the next opening', () => {
    // Tuesday 06:30 + 30m: Tuesday 09:30 MYT.
    assert.equal(iso(dueAt(at('2026-03-09T22:30:00Z'), '30m', KUALA_LUMPUR, true)), '2026-03-10T01:30:00.000Z');
    // Tuesday 20:00 + 2h: Wednesday 11:00 MYT.
    assert.equal(iso(dueAt(at('2026-03-10T12:00:00Z'), '2h', KUALA_LUMPUR, true)), '2026-03-11T03:00:00.000Z');
    // Saturday 10:00 + 1h: Monday 10:00 MYT.
    assert.equal(iso(dueAt(at('2026-03-07T02:00:00Z'), '1h', KUALA_LUMPUR, true)), '2026-03-09T02:00:00.000Z');
  });

  test('a Sunday–Thursday week in Riyadh', () => {
    // Thursday 14:00 AST + 2h: one hour on Thursday, one from Sunday 08:00, due Sunday 09:00 AST.
    assert.equal(iso(dueAt(at('2026-03-12T11:00:00Z'), '2h', RIYADH, true)), '2026-03-15T06:00:00.000Z');
  });

  test('across the Berlin DST change in March: Monday opens at 09:00 summer time', () => {
    // Friday 27 March 16:00 CET + 2h: due Monday 30 March 10:00 CEST (08:00Z, not 09:00Z).
    assert.equal(iso(dueAt(at('2026-03-27T15:00:00Z'), '2h', BERLIN, true)), '2026-03-30T08:00:00.000Z');
    // On the 24×7 clock a day is 24 real hours: Saturday 12:00 CET → Sunday 13:00 CEST.
    assert.equal(iso(dueAt(at('2026-03-28T11:00:00Z'), '1d', BERLIN, false)), '2026-03-29T11:00:00.000Z');
  });

  test('across the Berlin DST change in October: Monday opens at 09:00 winter time', () => {
    // Friday 23 October 16:00 CEST + 2h: due Monday 26 October 10:00 CET (09:00Z).
    assert.equal(iso(dueAt(at('2026-10-23T14:00:00Z'), '2h', BERLIN, true)), '2026-10-26T09:00:00.000Z');
  });

  test('business hours that contain the change are an hour shorter or longer that night', () => {
    // Sunday 29 March, 01:00 CET to 04:00 CEST: two real hours.
    assert.equal(iso(dueAt(at('2026-03-28T12:00:00Z'), '2h', { ...BERLIN_NIGHTS, days: [7] }, true)), '2026-03-29T02:00:00.000Z');
    assert.equal(iso(dueAt(at('2026-03-28T12:00:00Z'), '3h', { ...BERLIN_NIGHTS, days: [7] }, true)), '2026-04-05T00:00:00.000Z');
    // Sunday 25 October, 01:00 CEST to 04:00 CET: four real hours.
    assert.equal(iso(dueAt(at('2026-10-24T12:00:00Z'), '3h', { ...BERLIN_NIGHTS, days: [7] }, true)), '2026-10-25T02:00:00.000Z');
    assert.equal(iso(dueAt(at('2026-10-24T12:00:00Z'), '4h', { ...BERLIN_NIGHTS, days: [7] }, true)), '2026-10-25T03:00:00.000Z');
    // Round the clock, business time is real time, though the local day is 23 hours long.
    const always = { timeZone: 'Europe/Berlin', days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' };
    assert.equal(iso(dueAt(at('2026-03-28T23:00:00Z'), '1d', always, true)), '2026-03-29T23:00:00.000Z');
  });

  test('an opening time skipped by the change opens at the change; one read twice, at its first reading', () => {
    const sundays = { timeZone: 'Europe/Berlin', days: [7], start: '02:30', end: '05:00' };
    // 02:30 does not exist on 29 March; the clocks first read later than it at 03:00 CEST (01:00Z).
    assert.equal(iso(dueAt(at('2026-03-28T12:00:00Z'), '1h', sundays, true)), '2026-03-29T02:00:00.000Z');
    assert.equal(iso(dueAt(at('2026-03-28T12:00:00Z'), '2h', sundays, true)), '2026-03-29T03:00:00.000Z');
    // 02:30 occurs twice on 25 October; the day opens at 02:30 CEST (00:30Z) and runs 3½ hours.
    assert.equal(iso(dueAt(at('2026-10-24T12:00:00Z'), '1h', sundays, true)), '2026-10-25T01:30:00.000Z');
    assert.equal(iso(dueAt(at('2026-10-24T12:00:00Z'), '210m', sundays, true)), '2026-10-25T04:00:00.000Z');
  });
});

describe('slaStatus', () => {
  // Saturday 22:00 in Kuala Lumpur.
  const saturdayNight = at('2026-03-07T14:00:00Z');
  const critical = { severity: 'critical' as const, openedAt: saturdayNight, calendar: KUALA_LUMPUR };

  test('critical incidents run on the 24×7 clock, even at the weekend', () => {
    assert.deepEqual(slaStatus({ ...critical, now: at('2026-03-07T14:30:00Z') }), {
      acknowledge: { dueAt: at('2026-03-07T15:00:00Z'), escalateAt: at('2026-03-07T14:48:00Z'), metAt: null, state: 'running' },
      firstResponse: { dueAt: at('2026-03-07T18:00:00Z'), escalateAt: at('2026-03-07T17:12:00Z'), metAt: null, state: 'running' },
      resolve: { dueAt: at('2026-03-08T14:00:00Z'), escalateAt: at('2026-03-08T09:12:00Z'), metAt: null, state: 'running' },
      needsEscalation: false,
    });
  });

  test('a running timer escalates from 80% of its window', () => {
    assert.equal(slaStatus({ ...critical, now: at('2026-03-07T14:47:59Z') }).needsEscalation, false);
    assert.equal(slaStatus({ ...critical, now: at('2026-03-07T14:48:00Z') }).needsEscalation, true);
    const acknowledged = { ...critical, acknowledgedAt: at('2026-03-07T14:40:00Z') };
    assert.equal(slaStatus({ ...acknowledged, now: at('2026-03-07T14:50:00Z') }).needsEscalation, false);
    assert.equal(slaStatus({ ...acknowledged, now: at('2026-03-07T17:12:00Z') }).needsEscalation, true);
  });

  test('met, breached, running and overdue', () => {
    const now = at('2026-03-07T19:00:00Z');
    const status = slaStatus({ ...critical, acknowledgedAt: at('2026-03-07T15:00:00Z'), firstResponseAt: at('2026-03-07T18:30:00Z'), now });
    assert.deepEqual(
      [status.acknowledge.state, status.firstResponse.state, status.resolve.state, status.needsEscalation],
      ['met', 'breached', 'running', false],
    );
    assert.deepEqual(status.acknowledge.metAt, at('2026-03-07T15:00:00Z'));
    assert.deepEqual(status.firstResponse.metAt, at('2026-03-07T18:30:00Z'));

    const forgotten = slaStatus({ ...critical, now: at('2026-03-07T15:00:01Z') });
    assert.deepEqual([forgotten.acknowledge.state, forgotten.firstResponse.state, forgotten.needsEscalation], ['overdue', 'running', true]);
  });

  test('a later milestone meets the earlier timers', () => {
    const answered = slaStatus({ ...critical, firstResponseAt: at('2026-03-07T14:30:00Z'), now: at('2026-03-07T16:00:00Z') });
    assert.deepEqual(answered.acknowledge.metAt, at('2026-03-07T14:30:00Z'));
    assert.equal(answered.acknowledge.state, 'met');

    const resolved = slaStatus({ ...critical, resolvedAt: at('2026-03-07T16:00:00Z'), now: at('2026-03-09T00:00:00Z') });
    assert.deepEqual(
      [resolved.acknowledge.state, resolved.firstResponse.state, resolved.resolve.state, resolved.needsEscalation],
      ['breached', 'met', 'met', false],
    );
    assert.deepEqual(resolved.resolve.metAt, at('2026-03-07T16:00:00Z'));
  });

  test('other severities run on business hours and pause at the weekend', () => {
    // Friday 16:00 MYT.
    const high = { severity: 'high' as const, openedAt: at('2026-03-06T08:00:00Z'), calendar: KUALA_LUMPUR };
    assert.deepEqual(slaStatus({ ...high, now: at('2026-03-08T08:00:00Z') }), {
      // 2h: one hour on Friday, one on Monday; 80% is 1h36m, Monday 09:36.
      acknowledge: { dueAt: at('2026-03-09T02:00:00Z'), escalateAt: at('2026-03-09T01:36:00Z'), metAt: null, state: 'running' },
      firstResponse: { dueAt: at('2026-03-09T08:00:00Z'), escalateAt: at('2026-03-09T06:24:00Z'), metAt: null, state: 'running' },
      // 40h: 1 on Friday, 32 from Monday to Thursday, 7 on Friday.
      resolve: { dueAt: at('2026-03-13T08:00:00Z'), escalateAt: at('2026-03-12T08:00:00Z'), metAt: null, state: 'running' },
      needsEscalation: false,
    });
    assert.equal(slaStatus({ ...high, now: at('2026-03-09T01:40:00Z') }).needsEscalation, true);
  });

  test('the default policy: critical on 24×7, the rest on business time', () => {
    assert.deepEqual(
      Object.entries(DEFAULT_SLA_POLICY).map(([severity, windows]) => [severity, windows.businessTime]),
      [
        ['critical', false],
        ['high', true],
        ['medium', true],
        ['low', true],
      ],
    );
    assert.deepEqual(DEFAULT_SLA_POLICY.critical, { acknowledge: '1h', firstResponse: '4h', resolve: '1d', businessTime: false });
  });

  test("a team's own policy, checked field by field", () => {
    const policy: SlaPolicy = {
      ...DEFAULT_SLA_POLICY,
      low: { acknowledge: '30m', firstResponse: '1h', resolve: '2h', businessTime: false },
    };
    const status = slaStatus({ severity: 'low', openedAt: saturdayNight, now: saturdayNight, calendar: KUALA_LUMPUR, policy });
    assert.deepEqual(status.resolve.dueAt, at('2026-03-07T16:00:00Z'));

    const broken: SlaPolicy = { ...policy, low: { ...policy.low, resolve: 'soon' } };
    assertInvalid(
      () => slaStatus({ severity: 'low', openedAt: saturdayNight, now: saturdayNight, calendar: KUALA_LUMPUR, policy: broken }),
      'policy.low.resolve',
      'must be a duration such as 30m, 4h or 2d, of at most 366d',
    );
    assertInvalid(
      () => slaStatus({ severity: 'medium', openedAt: saturdayNight, now: saturdayNight, calendar: { ...KUALA_LUMPUR, days: [] } }),
      'calendar.days',
      'must list ISO weekdays from 1 (Monday) to 7 (Sunday)',
    );
  });
});

// ---------------------------------------------------------------- properties

const MINUTE_MS = 60_000;
const ISO_WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const referenceFormatters = new Map<string, Intl.DateTimeFormat>();

/** The reference: is this minute business time? Read straight off the team's wall clock. */
function readsBusinessTime(instant: number, calendar: BusinessCalendar): boolean {
  let format = referenceFormatters.get(calendar.timeZone);
  if (format === undefined) {
    const { timeZone } = calendar;
    format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    referenceFormatters.set(calendar.timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  const clock = `${parts.hour}:${parts.minute}`;
  return calendar.days.includes(ISO_WEEKDAYS[parts.weekday ?? ''] ?? 0) && clock >= calendar.start && clock < calendar.end;
}

function businessMinutesBetween(start: number, end: number, calendar: BusinessCalendar): number {
  let minutes = 0;
  for (let instant = start; instant < end; instant += MINUTE_MS) if (readsBusinessTime(instant, calendar)) minutes += 1;
  return minutes;
}

// Working weeks with and without DST, with DST changes inside working hours (Berlin nights; Lord
// Howe's half-hour change at 02:00) and at midnight (São Paulo until 2019). No opening or closing
// time falls in an hour the clocks repeat.
const CALENDARS: readonly BusinessCalendar[] = [
  KUALA_LUMPUR,
  { ...BERLIN, start: '08:30', end: '16:45' },
  BERLIN_NIGHTS,
  RIYADH,
  { timeZone: 'America/New_York', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' },
  { timeZone: 'Australia/Lord_Howe', days: [1, 2, 3, 4, 5, 6, 7], start: '01:00', end: '03:00' },
  { timeZone: 'America/Sao_Paulo', days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '06:00' },
];

// Half of the starts fall within days of a DST change in one of the zones above.
const DST_CHANGES = [
  '2026-03-29T01:00:00Z',
  '2026-10-25T01:00:00Z',
  '2026-03-08T07:00:00Z',
  '2026-11-01T06:00:00Z',
  '2026-04-04T15:00:00Z',
  '2026-10-03T15:30:00Z',
  '2018-11-04T03:00:00Z',
  '2019-02-17T02:00:00Z',
].map((text) => Date.parse(text));

const minuteInstant = fc.oneof(
  fc
    .integer({ min: Date.parse('2000-01-01T00:00:00Z') / MINUTE_MS, max: Date.parse('2035-12-31T00:00:00Z') / MINUTE_MS })
    .map((m) => m * MINUTE_MS),
  fc.tuple(fc.constantFrom(...DST_CHANGES), fc.integer({ min: -4 * 24 * 60, max: 24 * 60 })).map(([change, m]) => change + m * MINUTE_MS),
);

describe('dueAt properties', () => {
  test('the business-time deadline is never earlier than the wall-clock one', () => {
    fc.assert(
      fc.property(minuteInstant, fc.integer({ min: 1, max: 2000 }), fc.constantFrom(...CALENDARS), (start, hours, calendar) => {
        const duration = `${hours}h`;
        const business = dueAt(new Date(start), duration, calendar, true);
        const wallClock = dueAt(new Date(start), duration, calendar, false);
        assert.ok(business >= wallClock, `${iso(business)} < ${iso(wallClock)}`);
      }),
    );
  });

  test('exactly the duration of business time lies between start and deadline, and no less would do', () => {
    fc.assert(
      fc.property(minuteInstant, fc.integer({ min: 1, max: 8 * 60 }), fc.constantFrom(...CALENDARS), (start, minutes, calendar) => {
        const due = dueAt(new Date(start), `${minutes}m`, calendar, true).getTime();
        assert.equal(businessMinutesBetween(start, due, calendar), minutes);
        // The deadline is the end of a business minute, not the start of the next opening.
        assert.ok(readsBusinessTime(due - MINUTE_MS, calendar), `the minute before ${iso(new Date(due))} is not business time`);
      }),
      { numRuns: 200 },
    );
  });
});
