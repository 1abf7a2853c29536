import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calendarOf } from './business-hours.ts';
import { validateCalendar } from './sla.ts';

test('stated working weeks become calendars, wrapping over the weekend', () => {
  assert.deepEqual(calendarOf('Sun-Thu 08:00-16:00', 'Asia/Riyadh'), { timeZone: 'Asia/Riyadh', days: [7, 1, 2, 3, 4], start: '08:00', end: '16:00' });
  assert.deepEqual(calendarOf('Monday – Friday 9:00–17:30', 'Asia/Kuala_Lumpur'), { timeZone: 'Asia/Kuala_Lumpur', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:30' });
  assert.deepEqual(calendarOf('24/7', 'Asia/Jakarta'), { timeZone: 'Asia/Jakarta', days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' });
  for (const text of ['Sun-Thu 08:00-16:00', '24/7', 'whenever']) validateCalendar(calendarOf(text, 'Europe/Istanbul'));
});

test('what cannot be read falls back to Monday to Friday, nine to five, in UTC without a valid zone', () => {
  assert.deepEqual(calendarOf('by appointment', 'Not/AZone'), { timeZone: 'UTC', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' });
  assert.deepEqual(calendarOf('Mon-Fri 17:00-09:00', undefined), { timeZone: 'UTC', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' });
  assert.deepEqual(calendarOf(undefined, 'Africa/Cairo').timeZone, 'Africa/Cairo');
});
