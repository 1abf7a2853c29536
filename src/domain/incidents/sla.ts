// SLA timers on an incident: when it must be acknowledged, first answered and resolved, counted on
// the 24×7 clock or on the handling team's business hours in the team's own time zone.
import { Invalid } from '../errors.ts';
import type { Severity } from './lifecycle.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

// ------------------------------------------------------------------ durations

const DURATION = /^(\d{1,6})([mhd])$/;
const UNIT_MS: Readonly<Record<string, number>> = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS };
// Long enough for any SLA; short enough that walking business days always ends quickly.
const MAX_DURATION_MS = 366 * DAY_MS;

/**
 * `30m`, `4h`, `2d` in milliseconds. A day is 24 hours on either clock, so on business time `1d` is
 * three 8-hour working days: business-time windows read best in hours.
 */
export function parseDuration(text: string, field = 'duration'): number {
  const [, amount, unit = ''] = DURATION.exec(typeof text === 'string' ? text.trim() : '') ?? [];
  const ms = Number(amount) * (UNIT_MS[unit] ?? Number.NaN);
  if (!(ms > 0 && ms <= MAX_DURATION_MS)) throw new Invalid(field, 'must be a duration such as 30m, 4h or 2d, of at most 366d');
  return ms;
}

// ---------------------------------------------------------- business calendar

/** A team's working week in its own time zone. */
export interface BusinessCalendar {
  /** IANA time zone, such as Asia/Kuala_Lumpur. */
  timeZone: string;
  /** ISO weekdays, 1 (Monday) to 7 (Sunday): [1, 2, 3, 4, 5], or [7, 1, 2, 3, 4] for a Sunday–Thursday week. */
  days: readonly number[];
  /** Local opening time, `09:00`. */
  start: string;
  /** Local closing time, `17:00`; `24:00` for midnight. Hours past midnight are not supported. */
  end: string;
}

interface WorkingHours {
  timeZone: string;
  days: ReadonlySet<number>;
  /** Milliseconds after local midnight. */
  opens: number;
  closes: number;
}

const CLOCK_TIME = /^([01]\d|2[0-4]):([0-5]\d)$/;

function timeOfDay(text: string, field: string): number {
  const [, hours, minutes] = CLOCK_TIME.exec(text) ?? [];
  const ms = Number(hours) * HOUR_MS + Number(minutes) * MINUTE_MS;
  if (!(ms <= DAY_MS)) throw new Invalid(field, 'must be a local time from 00:00 to 24:00, such as 09:00');
  return ms;
}

function workingHours(calendar: BusinessCalendar, field: string): WorkingHours {
  try {
    formatter(calendar.timeZone);
  } catch {
    throw new Invalid(`${field}.timeZone`, 'must be an IANA time zone such as Asia/Kuala_Lumpur');
  }
  const days = calendar.days;
  if (!Array.isArray(days) || days.length === 0 || !days.every((d) => Number.isInteger(d) && d >= 1 && d <= 7)) {
    throw new Invalid(`${field}.days`, 'must list ISO weekdays from 1 (Monday) to 7 (Sunday)');
  }
  const opens = timeOfDay(calendar.start, `${field}.start`);
  const closes = timeOfDay(calendar.end, `${field}.end`);
  if (closes <= opens) throw new Invalid(`${field}.end`, 'must be later than start');
  return { timeZone: calendar.timeZone, days: new Set(days), opens, closes };
}

/** Checks a calendar as a team configures it; `dueAt` and `slaStatus` check it the same way. */
export function validateCalendar(calendar: BusinessCalendar, field = 'calendar'): BusinessCalendar {
  workingHours(calendar, field);
  return calendar;
}

// ------------------------------------------------------------------ wall clock

// Building a formatter costs far more than using one, and deadlines walk many days.
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = FORMATTERS.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    FORMATTERS.set(timeZone, format);
  }
  return format;
}

/** What the zone's clocks read at `instant`, written as milliseconds since 1970 as if that reading were UTC. */
function wallClock(instant: number, timeZone: string): number {
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const { type, value } of formatter(timeZone).formatToParts(instant)) part[type] = Number(value);
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = part;
  const millisecond = ((instant % 1000) + 1000) % 1000;
  return Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
}

function offsetAt(instant: number, timeZone: string): number {
  return wallClock(instant, timeZone) - instant;
}

/**
 * The first instant at which the zone's clocks read `wall` or later. A reading skipped by a DST
 * change gives the instant of the change; a reading that occurs twice gives its first occurrence.
 */
function firstInstantReading(wall: number, timeZone: string): number {
  // Deadlines of many incidents walk the same working days: each day's opening and closing
  // instants are worked out once per zone (a pure function of the two).
  const key = `${timeZone}|${wall}`;
  const known = READINGS.get(key);
  if (known !== undefined) return known;
  if (READINGS.size >= MAX_READINGS) READINGS.clear();
  const instant = computeFirstInstantReading(wall, timeZone);
  READINGS.set(key, instant);
  return instant;
}

const READINGS = new Map<string, number>();
const MAX_READINGS = 100_000;

function computeFirstInstantReading(wall: number, timeZone: string): number {
  // At most one offset change lies within a day of any reading, so the offsets in force a day
  // before and a day after are the only candidates.
  const withOffsetBefore = wall - offsetAt(wall - DAY_MS, timeZone);
  const withOffsetAfter = wall - offsetAt(wall + DAY_MS, timeZone);
  const readings = [withOffsetBefore, withOffsetAfter].filter((instant) => wallClock(instant, timeZone) === wall);
  if (readings.length > 0) return Math.min(...readings);

  // Skipped: the clocks read less than `wall` at withOffsetAfter and more at withOffsetBefore.
  let before = withOffsetAfter;
  let after = withOffsetBefore;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (wallClock(middle, timeZone) >= wall) after = middle;
    else before = middle;
  }
  return after;
}

function isoWeekday(localMidnight: number): number {
  return ((new Date(localMidnight).getUTCDay() + 6) % 7) + 1;
}

// ------------------------------------------------------------------- deadlines

/** Adds `ms` of business time to `start`, walking the team's working days one by one. */
function addBusinessTime(start: number, ms: number, hours: WorkingHours): number {
  let remaining = ms;
  const startDay = Math.floor(wallClock(start, hours.timeZone) / DAY_MS) * DAY_MS;
  for (let day = startDay; ; day += DAY_MS) {
    if (!hours.days.has(isoWeekday(day))) continue;
    const from = Math.max(start, firstInstantReading(day + hours.opens, hours.timeZone));
    const until = firstInstantReading(day + hours.closes, hours.timeZone);
    if (from >= until) continue;
    if (remaining <= until - from) return from + remaining;
    remaining -= until - from;
  }
}

function addTime(start: Date, ms: number, hours: WorkingHours | null): Date {
  return new Date(hours === null ? start.getTime() + ms : addBusinessTime(start.getTime(), ms, hours));
}

/**
 * When a window of `duration` opened at `start` ends: on the 24×7 clock, or counting only the
 * calendar's working hours (a window still open at Friday's close resumes on Monday morning).
 * A working day's business time runs from the first moment the team's clocks read its start to the
 * first moment they read its end, so a DST change inside working hours makes that day shorter or
 * longer in real time, and an opening time the change skips opens at the change.
 */
export function dueAt(start: Date, duration: string, calendar: BusinessCalendar, businessTime: boolean): Date {
  return addTime(start, parseDuration(duration), businessTime ? workingHours(calendar, 'calendar') : null);
}

// ---------------------------------------------------------------------- policy

export const SLA_TIMERS = ['acknowledge', 'firstResponse', 'resolve'] as const;
export type SlaTimerName = (typeof SLA_TIMERS)[number];

export type SlaWindows = Readonly<Record<SlaTimerName, string>> & {
  /** Counted on the team's business hours rather than the 24×7 clock. */
  readonly businessTime: boolean;
};

export type SlaPolicy = Readonly<Record<Severity, SlaWindows>>;

/**
 * Sanad's defaults, every window measured from when the incident was opened. Critical incidents run
 * on the 24×7 clock, as the duty officer is paged for them; the rest run on business time, written
 * in working hours (8 a day): high is answered the same working day and resolved within a working
 * week, medium within two days and two weeks, low within a week and four weeks.
 */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  critical: { acknowledge: '1h', firstResponse: '4h', resolve: '1d', businessTime: false },
  high: { acknowledge: '2h', firstResponse: '8h', resolve: '40h', businessTime: true },
  medium: { acknowledge: '8h', firstResponse: '16h', resolve: '80h', businessTime: true },
  low: { acknowledge: '16h', firstResponse: '40h', resolve: '160h', businessTime: true },
};

/** How far into its window a timer still running calls for escalation. */
export const ESCALATION_SHARE = 0.8;

// ---------------------------------------------------------------------- status

export type SlaState = 'met' | 'breached' | 'running' | 'overdue';

export interface SlaTimer {
  dueAt: Date;
  /** When the timer reaches ESCALATION_SHARE of its window. */
  escalateAt: Date;
  metAt: Date | null;
  state: SlaState;
}

export interface SlaMilestones {
  acknowledgedAt?: Date | null;
  firstResponseAt?: Date | null;
  /** When the incident was resolved, or closed or rejected without being resolved. */
  resolvedAt?: Date | null;
}

export interface SlaInput extends SlaMilestones {
  severity: Severity;
  openedAt: Date;
  now: Date;
  calendar: BusinessCalendar;
  policy?: SlaPolicy;
}

export type SlaStatus = Record<SlaTimerName, SlaTimer> & { needsEscalation: boolean };

// A later milestone also meets the earlier ones: answering acknowledges, resolving answers.
const MET_BY: Readonly<Record<SlaTimerName, readonly (keyof SlaMilestones)[]>> = {
  acknowledge: ['acknowledgedAt', 'firstResponseAt', 'resolvedAt'],
  firstResponse: ['firstResponseAt', 'resolvedAt'],
  resolve: ['resolvedAt'],
};

function metAt(timer: SlaTimerName, milestones: SlaMilestones): Date | null {
  const times = MET_BY[timer].flatMap((milestone) => milestones[milestone] ?? []).map((date) => date.getTime());
  return times.length === 0 ? null : new Date(Math.min(...times));
}

function state(due: Date, met: Date | null, now: Date): SlaState {
  if (met !== null) return met <= due ? 'met' : 'breached';
  return now <= due ? 'running' : 'overdue';
}

/** Where each of an incident's three timers stands at `now`, and whether to escalate. */
export function slaStatus(input: SlaInput): SlaStatus {
  const { severity, openedAt, now, calendar, policy = DEFAULT_SLA_POLICY } = input;
  const windows = policy[severity];
  const hours = windows.businessTime ? workingHours(calendar, 'calendar') : null;

  const timer = (name: SlaTimerName): SlaTimer => {
    const window = parseDuration(windows[name], `policy.${severity}.${name}`);
    const due = addTime(openedAt, window, hours);
    const met = metAt(name, input);
    const escalateAt = addTime(openedAt, Math.round(window * ESCALATION_SHARE), hours);
    return { dueAt: due, escalateAt, metAt: met, state: state(due, met, now) };
  };
  const timers = { acknowledge: timer('acknowledge'), firstResponse: timer('firstResponse'), resolve: timer('resolve') };
  const needsEscalation = SLA_TIMERS.some((name) => {
    const { state: current, escalateAt } = timers[name];
    return current === 'overdue' || (current === 'running' && now >= escalateAt);
  });
  return { ...timers, needsEscalation };
}
