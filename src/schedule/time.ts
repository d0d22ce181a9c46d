import { DateTime, FixedOffsetZone } from 'luxon';

import { formatLocal, formatLocalTime, isUtcName, type LocalDateTime, type ParsedTime, readDateTimeText } from './time-text.js';

export { DEFAULT_TIME_ZONE, formatLocalTime, formatUtc, isValidTimeZone, parseTimeOfDay, timeZoneProblem } from './time-text.js';
export type { LocalDateTime, ParsedTime } from './time-text.js';

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

/** How a wall-clock time was placed on the timeline, see the rules at the top of this file. */
export type LocalTimeKind = 'exact' | 'gap' | 'overlap';

export interface ResolvedLocalTime {
    epochMs: number;
    kind: LocalTimeKind;
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

/** The local calendar day of an instant in `zone`, numbered like the epoch days of that date (for counting by day). */
export function localDayOf(epochMs: number, zone: string): number {
    const { year, month, day } = DateTime.fromMillis(epochMs, { zone });
    return Math.floor(Date.UTC(year, month - 1, day) / 86_400_000);
}

/** Where the local day of an instant begins and where the next one begins, in `zone` (a day may be 23 or 25 hours). */
export function localDayBounds(epochMs: number, zone: string): { start: number; next: number } {
    const start = DateTime.fromMillis(epochMs, { zone }).startOf('day');
    return { start: start.toMillis(), next: start.plus({ days: 1 }).startOf('day').toMillis() };
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
 * Parses a `publishAt`-style text into epoch milliseconds (UTC); see `readDateTimeText` for what is accepted.
 * - With `Z` or an offset the text names one instant; `timeZone` is not used.
 * - Without an offset it is a wall-clock time in `timeZone` (IANA name), with the gap and overlap rules above; the
 *   result then carries a `note` saying what was chosen, for the run log.
 * Whether the time is in the past is the caller's business (a past `publishAt` posts now).
 */
export function parsePublishAt(text: string, timeZone: string, field = 'publishAt'): ParsedTime {
    const read = readDateTimeText(text, timeZone, field);
    if (!read.ok) return read;
    if (read.offsetMinutes !== undefined)
        return { ok: true, epochMs: DateTime.fromObject(read.local, { zone: FixedOffsetZone.instance(read.offsetMinutes) }).toMillis() };
    const resolved = resolveLocalTime(read.local, timeZone);
    if (!resolved) return { ok: false, problem: `${field} "${String(text).trim()}" is not a real date and time in ${timeZone}` };
    const note = describeResolution(read.local, resolved, timeZone);
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

/**
 * For messages: the wall clock in `zone` with the zone and its offset at that instant, e.g.
 * `2026-03-29 03:30 Europe/Berlin (UTC+02:00)`, or `2026-12-01 09:00 UTC`. Seconds appear only when not zero.
 */
export function formatInZone(epochMs: number, zone: string): string {
    const zoned = DateTime.fromMillis(epochMs, { zone });
    const local = formatLocalTime(epochMs, zone);
    return zoned.offset === 0 && isUtcName(zone) ? local : `${local} (UTC${zoned.toFormat('ZZ')})`;
}
