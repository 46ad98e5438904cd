// Date literals as time ranges, and date/datetime values in the forms the compiler binds and
// Salesforce prints. Everything is UTC: the compiler has no user time zone (a real org uses the
// running user's). Fiscal literals and functions assume the default fiscal year, which starts
// in January, so they equal the calendar ones; custom fiscal years are not modelled. Weeks start
// on Sunday (en_US locale).

import { CompileError } from './compile-sql';

/** `[start, end)`, both at 00:00:00 UTC. */
export interface DayRange {
  start: Date;
  end: Date;
}

const DAY_MS = 86_400_000;

function utc(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month, day));
}

function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * DAY_MS);
}

function addMonths(d: Date, months: number): Date {
  return utc(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate());
}

type Unit = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** Start of the unit containing `today`, and a way to step by whole units. */
function unitStart(today: Date, unit: Unit): Date {
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth();
  switch (unit) {
    case 'day':
      return today;
    case 'week':
      return addDays(today, -today.getUTCDay());
    case 'month':
      return utc(y, m, 1);
    case 'quarter':
      return utc(y, m - (m % 3), 1);
    case 'year':
      return utc(y, 0, 1);
  }
}

function step(d: Date, unit: Unit, n: number): Date {
  switch (unit) {
    case 'day':
      return addDays(d, n);
    case 'week':
      return addDays(d, 7 * n);
    case 'month':
      return addMonths(d, n);
    case 'quarter':
      return addMonths(d, 3 * n);
    case 'year':
      return addMonths(d, 12 * n);
  }
}

const UNIT_OF: Record<string, Unit> = {
  DAY: 'day',
  DAYS: 'day',
  WEEK: 'week',
  WEEKS: 'week',
  MONTH: 'month',
  MONTHS: 'month',
  QUARTER: 'quarter',
  QUARTERS: 'quarter',
  FISCAL_QUARTER: 'quarter',
  FISCAL_QUARTERS: 'quarter',
  YEAR: 'year',
  YEARS: 'year',
  FISCAL_YEAR: 'year',
  FISCAL_YEARS: 'year',
};

/**
 * The range a date literal stands for (SFDOC date formats and literals page). `LAST_N_DAYS:n`
 * includes today ("LAST_N_DAYS:1 includes yesterday and today"); the `N_*` unit forms cover
 * whole units before or after the current one; `N_*_AGO:n` is the single unit n units back.
 */
export function dateLiteralRange(name: string, n: number | undefined, now: Date): DayRange {
  const today = utc(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const upper = name.toUpperCase();
  const fixed = /^(YESTERDAY|TODAY|TOMORROW)$/.exec(upper);
  if (fixed) {
    const offset = upper === 'YESTERDAY' ? -1 : upper === 'TODAY' ? 0 : 1;
    const start = addDays(today, offset);
    return { start, end: addDays(start, 1) };
  }
  if (upper === 'LAST_90_DAYS') return dateLiteralRange('LAST_N_DAYS', 90, now);
  if (upper === 'NEXT_90_DAYS') return dateLiteralRange('NEXT_N_DAYS', 90, now);
  const relative = /^(LAST|THIS|NEXT)_(WEEK|MONTH|QUARTER|YEAR|FISCAL_QUARTER|FISCAL_YEAR)$/.exec(
    upper,
  );
  if (relative) {
    const unit = UNIT_OF[relative[2]!]!;
    const offset = relative[1] === 'LAST' ? -1 : relative[1] === 'THIS' ? 0 : 1;
    const start = step(unitStart(today, unit), unit, offset);
    return { start, end: step(start, unit, 1) };
  }
  const parametric = /^(LAST_N|NEXT_N|N)_([A-Z_]+?)(_AGO)?$/.exec(upper);
  const unit = parametric ? UNIT_OF[parametric[2]!] : undefined;
  if (parametric && unit) {
    if (n === undefined || !Number.isInteger(n) || n < 0) {
      throw new CompileError(`The date literal ${upper} needs a whole number after the colon.`);
    }
    const current = unitStart(today, unit);
    if (parametric[1] === 'N' && parametric[3]) {
      const start = step(current, unit, -n);
      return { start, end: step(start, unit, 1) };
    }
    if (parametric[1] === 'LAST_N' && !parametric[3]) {
      // Days include the current day; larger units stop before the current one.
      if (unit === 'day') return { start: addDays(today, -n), end: addDays(today, 1) };
      return { start: step(current, unit, -n), end: current };
    }
    if (parametric[1] === 'NEXT_N' && !parametric[3]) {
      const start = step(current, unit, 1);
      return { start, end: step(start, unit, n) };
    }
  }
  throw new CompileError(`The date literal ${upper} is not known to the compiler.`);
}

/** `2024-01-31` */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** `2024-01-31T10:00:00.000Z`: the form bound for datetime comparisons and stored by SQLite. */
export function isoDateTime(d: Date): string {
  return d.toISOString();
}

/** Salesforce's JSON form: `2024-01-31T10:00:00.000+0000`. */
export function salesforceDateTime(d: Date): string {
  return `${d.toISOString().slice(0, 23)}+0000`;
}

const DATETIME_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Reads a datetime as SOQL writes it (`2024-01-31T10:00:00Z`, `…+02:00`), as SQLite stores it
 * (`…000Z`), or as Postgres prints a timestamp (`2024-01-31 10:00:00`, `…+00`). Text without an
 * offset is UTC: Heroku Connect stores UTC in `timestamp without time zone` columns.
 */
export function parseDateTime(text: string): Date | undefined {
  const m = DATETIME_TEXT.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = m;
  const ms = Number((fraction + '000').slice(0, 3));
  let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
    time -= sign * minutes * 60_000;
  }
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
