// A team's working week as its directory entry states it ("Sun-Thu 08:00-16:00", "Mon–Fri 9:00–17:30",
// "24/7"), read into the calendar the SLA timers count on. What cannot be read falls back to a
// Monday-to-Friday, nine-to-five week, so an odd entry never stops the clock.
import type { BusinessCalendar } from './sla.ts';

const DAYS: Readonly<Record<string, number>> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };
const RANGE = /^\s*([a-z]{3})[a-z]*\s*(?:-|–|to)\s*([a-z]{3})[a-z]*\s*,?\s*(\d{1,2})[:.](\d{2})\s*(?:-|–|to)\s*(\d{1,2})[:.](\d{2})\s*$/i;
const ROUND_THE_CLOCK = /^\s*(24\s*\/\s*7|24x7|24\/7\/365|always)\s*$/i;

export const DEFAULT_WEEK = { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' } as const;

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The calendar of a team from its stated hours and IANA time zone (UTC when it gives none). */
export function calendarOf(businessHours: string | undefined, timeZone: string | undefined): BusinessCalendar {
  const zone = timeZone && isTimeZone(timeZone) ? timeZone : 'UTC';
  if (businessHours && ROUND_THE_CLOCK.test(businessHours)) return { timeZone: zone, days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' };
  const match = businessHours ? RANGE.exec(businessHours) : null;
  if (match) {
    const [, first = '', last = '', h1 = '', m1 = '', h2 = '', m2 = ''] = match;
    const from = DAYS[first.toLowerCase()];
    const to = DAYS[last.toLowerCase()];
    const start = `${h1.padStart(2, '0')}:${m1}`;
    const end = `${h2.padStart(2, '0')}:${m2}`;
    if (from !== undefined && to !== undefined && start < end && end <= '24:00') {
      const days: number[] = [];
      for (let d = from; ; d = (d % 7) + 1) {
        days.push(d);
        if (d === to) break;
      }
      return { timeZone: zone, days, start, end };
    }
  }
  return { timeZone: zone, days: [...DEFAULT_WEEK.days], start: DEFAULT_WEEK.start, end: DEFAULT_WEEK.end };
}
