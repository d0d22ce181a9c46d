/**
 * Analytics date ranges. Pinterest keeps analytics for 90 days and answers an older start with a bare 400; this
 * checks (or clamps) the range before any request, against the run's clock, in UTC as Pinterest counts days.
 */

const DAY_MS = 86_400_000;
/** Pinterest allows a start 90 days back; a day's margin keeps a run that crosses midnight UTC inside it. */
export const MAX_DAYS_BACK = 89;
/** Days in a range, both ends counted: `end_date` may be at most 90 days after `start_date`. */
export const MAX_RANGE_DAYS = 91;
export const DEFAULT_RANGE_DAYS = 30;
/** With the history of snapshot-analytics, a range may reach further back and be a year long (a leap year's). */
export const HISTORY_MAX_RANGE_DAYS = 366;

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export interface DateRange {
    startDate: string;
    endDate: string;
}

export interface ResolvedRange extends DateRange {
    days: number;
    /** Why the range differs from what was asked for (clamped). */
    warnings: string[];
}

export const isValidDate = (text: string) => DATE_PATTERN.test(text) && toDay(text) !== undefined;

/** Days since the epoch for `YYYY-MM-DD`, or undefined for a date that does not exist (2025-02-30). */
export function toDay(text: string): number | undefined {
    const ms = Date.parse(`${text}T00:00:00Z`);
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) return undefined;
    return ms / DAY_MS;
}

export const fromDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
export const today = (nowMs: number) => Math.floor(nowMs / DAY_MS);
export const addDays = (date: string, days: number) => fromDay((toDay(date) ?? 0) + days);
export const daysBetween = (start: string, end: string) => (toDay(end) ?? 0) - (toDay(start) ?? 0) + 1;

/** Every date of a range, oldest first. */
export function datesOf(range: DateRange): string[] {
    const start = toDay(range.startDate) ?? 0;
    return Array.from({ length: daysBetween(range.startDate, range.endDate) }, (_, index) => fromDay(start + index));
}

export class DateRangeError extends Error {
    override name = 'DateRangeError';
}

/** The first day Pinterest still answers for (with the margin of MAX_DAYS_BACK). */
export const apiWindowStart = (nowMs: number) => fromDay(today(nowMs) - MAX_DAYS_BACK);

export interface RangeRules {
    /**
     * The start may be older than Pinterest keeps (the stored history answers for those days) and the range up to
     * HISTORY_MAX_RANGE_DAYS long; whether a history covers them is the run's to find out.
     */
    history?: boolean;
}

/**
 * The range to ask for: defaults to the 30 days ending yesterday. A start earlier than Pinterest keeps, an end
 * after today or a range too long is an error naming the limit, or with `clamp` is moved inside with a warning.
 * An end before the start is always an error: there is no sensible range to clamp it to.
 */
export function resolveDateRange(requested: Partial<DateRange>, nowMs: number, clamp: boolean, rules: RangeRules = {}): ResolvedRange {
    const todayDay = today(nowMs);
    const earliest = rules.history ? -Infinity : todayDay - MAX_DAYS_BACK;
    const maxDays = rules.history ? HISTORY_MAX_RANGE_DAYS : MAX_RANGE_DAYS;
    const warnings: string[] = [];
    let start = requested.startDate ? toDay(requested.startDate) : undefined;
    let end = requested.endDate ? toDay(requested.endDate) : undefined;
    const tooOld = (day: number) =>
        new DateRangeError(
            `startDate (${fromDay(day)}) must be within the last 90 days, on or after ${fromDay(earliest)}: Pinterest keeps analytics for 90 days; set clampDateRange to true to start there instead`,
        );
    // A start given alone decides the default end, so it is clamped first.
    if (start !== undefined && start < earliest && end === undefined) {
        if (!clamp) throw tooOld(start);
        warnings.push(`startDate ${fromDay(start)} is older than the 90 days Pinterest keeps: the range starts on ${fromDay(earliest)} instead.`);
        start = earliest;
    }
    end ??= start !== undefined ? Math.min(todayDay - 1, start + DEFAULT_RANGE_DAYS - 1) : todayDay - 1;
    start ??= Math.max(earliest, end - DEFAULT_RANGE_DAYS + 1);

    if (end < start) throw new DateRangeError(`endDate (${fromDay(end)}) must not be before startDate (${fromDay(start)})`);
    if (end > todayDay) {
        if (!clamp)
            throw new DateRangeError(
                `endDate (${fromDay(end)}) must not be after today (${fromDay(todayDay)}, UTC); set clampDateRange to true to end the range today instead`,
            );
        warnings.push(`endDate ${fromDay(end)} is in the future: the range ends today, ${fromDay(todayDay)}, instead.`);
        end = todayDay;
    }
    if (start < earliest) {
        if (!clamp) throw tooOld(start);
        warnings.push(`startDate ${fromDay(start)} is older than the 90 days Pinterest keeps: the range starts on ${fromDay(earliest)} instead.`);
        start = earliest;
    }
    if (end < start) throw new DateRangeError(`the range ${fromDay(start)} to ${fromDay(end)} has no day within the last 90 days`);
    if (end - start + 1 > maxDays) {
        if (!clamp)
            throw new DateRangeError(
                rules.history
                    ? `the range may be at most ${maxDays} days long (a year): ask for the years one at a time`
                    : `the range may be at most ${maxDays} days long (endDate at most 90 days after startDate)`,
            );
        warnings.push(`The range was longer than ${maxDays} days: it ends on ${fromDay(start + maxDays - 1)} instead.`);
        end = start + maxDays - 1;
    }
    return { startDate: fromDay(start), endDate: fromDay(end), days: end - start + 1, warnings };
}

/** The range of the same length just before `range`. */
export function periodBefore(range: DateRange): DateRange {
    return { startDate: addDays(range.startDate, -daysBetween(range.startDate, range.endDate)), endDate: addDays(range.startDate, -1) };
}

/** The range of the same length just before `range`, if Pinterest still has all of it. */
export function previousPeriod(range: DateRange, nowMs: number): DateRange | undefined {
    const before = periodBefore(range);
    return (toDay(before.startDate) ?? 0) < today(nowMs) - MAX_DAYS_BACK ? undefined : before;
}

/** The same date a year earlier; 29 February becomes 28 February. */
export function yearEarlier(date: string): string {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    const shifted = `${String(year - 1).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    return isValidDate(shifted) ? shifted : addDays(shifted.slice(0, 8) + '01', 27);
}

/** The same dates a year earlier. */
export const previousYear = (range: DateRange): DateRange => ({ startDate: yearEarlier(range.startDate), endDate: yearEarlier(range.endDate) });
