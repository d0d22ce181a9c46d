import { DateTime, FixedOffsetZone, IANAZone } from 'luxon';

/**
 * Reading and writing the times of the pin schedule. Pure functions: no clock, no Apify.
 *
 * Rules for wall-clock times that a time zone does not map to exactly one instant (luxon supplies the zone
 * data; the rule is ours and is pinned by tests so that a library upgrade cannot change it silently):
 * - Gap (clocks go forward, the wall time does not exist): the time moves forward by the length of the gap,
 *   so 02:30 on the spring-forward night in Europe/Berlin becomes 03:30 CEST (= 01:30Z). Luxon does this.
 * - Overlap (clocks go back, the wall time happens twice): the earlier instant wins, i.e. the first
 *   occurrence, still in summer time: 02:30 on the fall-back night in Europe/Berlin is 02:30 CEST (= 00:30Z).
 *   Luxon on its own takes the later one, so we choose among its possible offsets explicitly.
 */

export const DEFAULT_TIME_ZONE = 'UTC';

/** Latest and earliest UTC offsets in use anywhere (Line Islands, Baker Island), in minutes. */
const MAX_OFFSET_MINUTES = 14 * 60;
const MIN_OFFSET_MINUTES = -12 * 60;

/** A wall-clock date and time in some time zone, without the zone. */
export interface LocalDateTime {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second?: number;
    millisecond?: number;
}

/** How a wall-clock time was placed on the timeline, see the rules at the top of this file. */
export type LocalTimeKind = 'exact' | 'gap' | 'overlap';

export interface ResolvedLocalTime {
    epochMs: number;
    kind: LocalTimeKind;
}

export type ParsedTime = { ok: true; epochMs: number; note?: string } | { ok: false; problem: string };

/** True for IANA names such as `Europe/Berlin`, `America/New_York` or `UTC` (case as the tz database or not). */
export function isValidTimeZone(zone: string): boolean {
    return typeof zone === 'string' && zone.trim() === zone && zone !== '' && IANAZone.isValidZone(zone);
}

/** One sentence naming the field when `zone` is not an IANA time zone name, otherwise undefined. */
export function timeZoneProblem(zone: string, field = 'timeZone'): string | undefined {
    if (isValidTimeZone(zone)) return undefined;
    return `${field} "${shorten(String(zone))}" is not an IANA time zone name: use one such as UTC, Europe/Berlin or America/New_York`;
}

/**
 * Places a wall-clock time of `zone` on the timeline, applying the gap and overlap rules above.
 * Returns undefined when the fields do not form a real date and time (month 13, 30 February, hour 24).
 */
export function resolveLocalTime(local: LocalDateTime, zone: string): ResolvedLocalTime | undefined {
    const wanted = { second: 0, millisecond: 0, ...local };
    const placed = DateTime.fromObject(wanted, { zone });
    if (!placed.isValid) return undefined;
    // In a gap luxon has already moved the time forward by the gap's length, so the wall clock reads differently.
    const fields = ['year', 'month', 'day', 'hour', 'minute'] as const;
    const moved = fields.some((unit) => placed[unit] !== wanted[unit]);
    if (moved) return { epochMs: placed.toMillis(), kind: 'gap' };
    const instants = placed.getPossibleOffsets().map((candidate) => candidate.toMillis());
    if (instants.length > 1) return { epochMs: Math.min(...instants), kind: 'overlap' };
    return { epochMs: placed.toMillis(), kind: 'exact' };
}

/** The wall-clock fields of an instant in `zone`. */
export function localDateTimeOf(epochMs: number, zone: string): LocalDateTime {
    const { year, month, day, hour, minute, second, millisecond } = DateTime.fromMillis(epochMs, { zone });
    return { year, month, day, hour, minute, second, millisecond };
}

/**
 * The same wall-clock time `days` calendar days later (earlier when negative) in `zone`: 09:00 stays 09:00 across a
 * change of clocks, so one "day" may be 23 or 25 hours. Gap and overlap rules as above.
 */
export function plusCalendarDays(epochMs: number, days: number, zone: string): number {
    const local = localDateTimeOf(epochMs, zone);
    const date = DateTime.fromObject({ year: local.year, month: local.month, day: local.day }, { zone: 'UTC' }).plus({ days });
    const resolved = resolveLocalTime({ ...local, year: date.year, month: date.month, day: date.day }, zone);
    // The fields come from a real instant shifted by whole days, so they always form a real date and time.
    return resolved?.epochMs ?? epochMs + days * 86_400_000;
}

/**
 * What a scheduler user typed:
 * `YYYY-MM-DD`, then `T` or a space, then `HH:mm`, optional `:ss` and fraction, optional `Z` or `±HH:mm` / `±HHmm` / `±HH`.
 * The space form is what Pinterest's bulk-upload CSV `Publish date` column and spreadsheets produce.
 */
const DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/**
 * Parses a `publishAt`-style text into epoch milliseconds (UTC).
 * - With `Z` or an offset the text names one instant; `timeZone` is not used.
 * - Without an offset it is a wall-clock time in `timeZone` (IANA name), with the gap and overlap rules above; the
 *   result then carries a `note` saying what was chosen, for the run log.
 * - A bare date (`2026-12-01`) is rejected rather than read as midnight: a pin posted at 00:00 is rarely what the
 *   user meant, and the fix (add a time) is one edit.
 * Whether the time is in the past is the caller's business (a past `publishAt` posts now).
 */
export function parsePublishAt(text: string, timeZone: string, field = 'publishAt'): ParsedTime {
    const trimmedText = typeof text === 'string' ? text.trim() : '';
    const shown = shorten(trimmedText);
    if (trimmedText === '') return { ok: false, problem: `${field} is empty: give a date and time such as 2026-12-01T09:00` };
    const match = DATE_TIME_PATTERN.exec(trimmedText);
    const example = `use ISO 8601 such as 2026-12-01T09:00 (read in ${isValidTimeZone(timeZone) ? timeZone : 'timeZone'}) or 2026-12-01T09:00:00Z`;
    if (!match) return { ok: false, problem: `${field} "${shown}" is not a date and time: ${example}` };

    const [, yearText, monthText, dayText, hourText, minuteText, secondText, fractionText, zulu, sign, offsetHours, offsetMinutes] = match;
    if (hourText === undefined || minuteText === undefined) {
        return { ok: false, problem: `${field} "${shown}" has no time of day: add one, for example ${yearText}-${monthText}-${dayText}T09:00` };
    }
    const local: LocalDateTime = {
        year: Number(yearText),
        month: Number(monthText),
        day: Number(dayText),
        hour: Number(hourText),
        minute: Number(minuteText),
        second: Number(secondText ?? 0),
        millisecond: Number((fractionText ?? '').padEnd(3, '0').slice(0, 3)),
    };
    const calendarProblem = describeUnrealDate(local);
    if (calendarProblem) return { ok: false, problem: `${field} "${shown}" is not a real date and time: ${calendarProblem}` };

    if (zulu !== undefined || sign !== undefined) {
        const offset = zulu !== undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes ?? 0));
        if (Number(offsetMinutes ?? 0) > 59 || offset > MAX_OFFSET_MINUTES || offset < MIN_OFFSET_MINUTES) {
            return { ok: false, problem: `${field} "${shown}" has a UTC offset outside -12:00 to +14:00` };
        }
        return { ok: true, epochMs: DateTime.fromObject(local, { zone: FixedOffsetZone.instance(offset) }).toMillis() };
    }

    const zoneProblem = timeZoneProblem(timeZone);
    if (zoneProblem) return { ok: false, problem: zoneProblem };
    const resolved = resolveLocalTime(local, timeZone);
    if (!resolved) return { ok: false, problem: `${field} "${shown}" is not a real date and time: ${example}` };
    const note = describeResolution(local, resolved, timeZone);
    return note ? { ok: true, epochMs: resolved.epochMs, note } : { ok: true, epochMs: resolved.epochMs };
}

/**
 * A sentence for the run log when a wall-clock time hit a gap or an overlap, otherwise undefined, e.g.
 * `2026-03-29T02:30 does not exist in Europe/Berlin (clocks go forward): scheduled at 2026-03-29 03:30 Europe/Berlin (UTC+02:00)`.
 */
export function describeResolution(local: LocalDateTime, resolved: ResolvedLocalTime, zone: string): string | undefined {
    const wall = formatLocal(local);
    if (resolved.kind === 'gap') return `${wall} does not exist in ${zone} (clocks go forward): scheduled at ${formatInZone(resolved.epochMs, zone)}`;
    if (resolved.kind === 'overlap') {
        return `${wall} happens twice in ${zone} (clocks go back): took the first one, ${formatInZone(resolved.epochMs, zone)}`;
    }
    return undefined;
}

/** `HH:mm` or `H:mm` from 00:00 to 23:59, e.g. "09:00", "9:00", "13:30"; undefined for anything else. */
export function parseTimeOfDay(text: string): { hour: number; minute: number } | undefined {
    if (typeof text !== 'string') return undefined;
    const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
    if (!match) return undefined;
    const hour = Number(match[1]);
    const minute = Number(match[2]);
    if (hour > 23 || minute > 59) return undefined;
    return { hour, minute };
}

/** ISO 8601 in UTC with seconds precision, e.g. `2026-12-01T08:00:00Z` (milliseconds are dropped, not rounded). */
export function formatUtc(epochMs: number): string {
    return `${new Date(Math.floor(epochMs / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/**
 * For messages: the wall clock in `zone` with the zone and its offset at that instant, e.g.
 * `2026-03-29 03:30 Europe/Berlin (UTC+02:00)`, or `2026-12-01 09:00 UTC`. Seconds appear only when not zero.
 */
export function formatInZone(epochMs: number, zone: string): string {
    const zoned = DateTime.fromMillis(epochMs, { zone });
    const clock = zoned.toFormat(zoned.second === 0 ? 'yyyy-MM-dd HH:mm' : 'yyyy-MM-dd HH:mm:ss');
    if (zoned.offset === 0 && /^(Etc\/)?(UTC|GMT|Zulu|UCT|Universal)$/i.test(zone)) return `${clock} UTC`;
    return `${clock} ${zone} (UTC${zoned.toFormat('ZZ')})`;
}

function formatLocal(local: LocalDateTime): string {
    const pad = (value: number) => String(value).padStart(2, '0');
    const seconds = local.second ? `:${pad(local.second)}` : '';
    return `${local.year}-${pad(local.month)}-${pad(local.day)}T${pad(local.hour)}:${pad(local.minute)}${seconds}`;
}

function describeUnrealDate(local: LocalDateTime): string | undefined {
    if (local.month < 1 || local.month > 12) return 'the month must be 01 to 12';
    const daysInMonth = DateTime.fromObject({ year: local.year, month: local.month }, { zone: 'UTC' }).daysInMonth ?? 31;
    if (local.day < 1 || local.day > daysInMonth) {
        const monthName = DateTime.fromObject({ year: local.year, month: local.month }, { zone: 'UTC' }).setLocale('en').toFormat('MMMM yyyy');
        return `${monthName} has ${daysInMonth} days`;
    }
    if (local.hour > 23) return 'the hour must be 00 to 23';
    if (local.minute > 59) return 'the minutes must be 00 to 59';
    if ((local.second ?? 0) > 59) return 'the seconds must be 00 to 59';
    return undefined;
}

/** Keeps messages one line long when someone pastes a paragraph into a date field. */
function shorten(text: string): string {
    return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
