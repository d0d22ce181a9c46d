import { normalizeLink } from '../publish/links.js';
import { checkSpacing, optionProblems, parseTimeSlot, type TimeSlot } from './spacing-options.js';
import {
    formatInZone,
    isValidTimeZone,
    localDateTimeOf,
    localDayBounds,
    localDayOf,
    parsePublishAt,
    plusCalendarDays,
    resolveLocalTime,
} from './time.js';

export { normalizeLink } from '../publish/links.js';
export { SPACING_LIMITS, type SpacingInput } from './spacing-options.js';

const DAY_MS = 86_400_000;

/**
 * Spreads a batch of pins over time: fixed intervals or a weekly plan of time slots, a cap per day, a little random
 * jitter, and a minimum number of days between pins that point at the same link. Pure: `now`, `random`, the queue
 * and the ledger are parameters, so callers (and tests) decide what time it is.
 *
 * The rules, in the order they apply:
 * 1. A pin with an explicit `publishAt` keeps it (explicit wins over spacing). A time at or before `now` means
 *    "post now" (`publishAt` undefined; the caller tells the user). Explicit times count as taken slots, as pins
 *    of their day and as occurrences of their link.
 * 2. Every other pin, in batch order, takes the earliest candidate time that is free and respects
 *    `minDaysBetweenSameLink`. Candidates depend on the mode:
 *    - `intervalMinutes`: the grid `base + k × interval`, where `base` is `startAt`, or `now` when `startAt` is
 *      absent or past. The interval is elapsed time, so across a change of clocks the wall-clock time shifts by
 *      the change (every 24 h from 09:00 CET is 10:00 CEST after spring forward); use `timeSlots` for fixed hours.
 *    - `timeSlots`: each listed time of day in `timeZone`, on the days it names (`Mon-Fri 09:00`, `Sat,Sun 11:30`)
 *      or every day (`20:00`), day by day, strictly after `now` (and not before `startAt`). Each slot is resolved
 *      per day with the gap/overlap rules of `time.ts`: 02:30 on the spring-forward night in Europe/Berlin is
 *      03:30 CEST; on the fall-back night it is the first 02:30. Weekdays are those of the local date.
 *    - neither: the only candidate is `now` (post now), unless the link rule moves the pin to a later time.
 *    A grid point or slot is taken when an existing queued pin (its `slotAt`, else its `publishAt`), an explicit
 *    time of the batch or an earlier pin of the batch falls in the same minute; taken candidates are skipped.
 *    Taking the earliest free candidate means a pin moved for its link does not push the rest of the batch back.
 *    With `maxPerDay` (M), a candidate on a local day (in `timeZone`) that already holds M pins (existing ones by
 *    their `slotAt`, else `publishAt`; the batch's explicit times; pins posting now, today; earlier assignments)
 *    is skipped for the first candidate of the next day. Explicit times are never moved for the cap.
 * 3. `minDaysBetweenSameLink` (N): two pins with the same link (see `normalizeLink`) must be at least N calendar
 *    days apart in `timeZone` (same wall-clock time N days later, so a day across a change of clocks is 23 or
 *    25 hours). Occurrences are the existing queue and ledger entries, the batch's explicit times, pins posting
 *    now (at `now`), and the batch's earlier assignments. A conflicting candidate jumps to N days after the
 *    conflicting occurrence (before or after it) and the search goes on; such pins get `movedForLink` and a note.
 * 4. `jitterMinutes` (J): each time chosen in step 2 that lies in the future moves by a uniform random offset in
 *    [-J, +J] minutes (whole seconds), clamped so that it stays strictly after `now`, stays between the midpoints
 *    to its neighbouring scheduled times (so no two pins swap order or meet), stays on its local day when
 *    `maxPerDay` is set (so jitter never breaks the cap), and never breaks rule 3 (if it would, the pin keeps its
 *    unjittered time). `slotAt` reports the unjittered time: store it in the queue and pass it back in `existing`,
 *    so jitter never makes a slot look free or taken wrongly.
 *
 * `intervalMinutes` and `timeSlots` together are rejected: one batch follows one rhythm.
 */

/** Spacing ready to apply: `startAt` in epoch milliseconds. */
export interface SpacingOptions {
    startAt?: number;
    intervalMinutes?: number;
    /** `HH:mm`, optionally after days: `Mon-Fri 09:00`, `Sat,Sun 11:30` (see parseTimeSlot). */
    timeSlots?: string[];
    jitterMinutes?: number;
    minDaysBetweenSameLink?: number;
    maxPerDay?: number;
}

export interface SpacingPin {
    /** The pin's own `publishAt` in epoch ms, already parsed; it wins over spacing. */
    explicitPublishAt?: number;
    link?: string;
}

/** A pin already in the queue (not cancelled) or published according to the ledger. */
export interface ExistingSchedule {
    publishAt: number;
    /** The unjittered slot or grid time it was given (`ScheduledTime.slotAt`), if any. */
    slotAt?: number;
    link?: string;
}

export interface ScheduleContext {
    /** IANA name; time slots and calendar days are read in it. */
    timeZone: string;
    now: number;
    existing: readonly ExistingSchedule[];
    /** Uniform in [0, 1), like Math.random (the default). */
    random?: () => number;
}

export interface ScheduledTime {
    /** When to publish, epoch ms; undefined means post now. */
    publishAt?: number;
    /** The time spacing chose before jitter; present whenever spacing (not the pin's own publishAt) set `publishAt`. */
    slotAt?: number;
    /** True when `minDaysBetweenSameLink` pushed the pin later than spacing alone would have put it. */
    movedForLink?: boolean;
    /** One sentence for the run log when something noteworthy happened to this pin's time. */
    note?: string;
}

export type ParsedSpacing = { ok: true; options: SpacingOptions; notes: string[] } | { ok: false; problems: string[] };

/** Thrown by `assignPublishTimes` for options that `spacingProblems` would have rejected: a bug in the caller. */
export class SpacingOptionsError extends Error {
    override name = 'SpacingOptionsError';
    constructor(readonly problems: string[]) {
        super(`Invalid spacing: ${problems.join('; ')}`);
    }
}

/**
 * Checks the user's spacing (with `checkSpacing`, the check the input validation makes) and turns `startAt` into
 * epoch ms. Problems are one sentence each and name the field (`spacing.intervalMinutes` ...). The time zone itself
 * is not reported here (the caller reports `timeZone` once, see `timeZoneProblem`); with an invalid zone, a startAt
 * without an offset is not placed.
 */
export function parseSpacing(spacing: unknown, timeZone: string, field = 'spacing'): ParsedSpacing {
    const checked = checkSpacing(spacing, timeZone, field);
    if (!checked.ok) return checked;
    const { startAt: startText, ...rest } = checked.spacing;
    const options: SpacingOptions = { ...rest };
    if (options.timeSlots?.length === 0) delete options.timeSlots;
    if (!options.jitterMinutes) delete options.jitterMinutes;
    if (!options.minDaysBetweenSameLink) delete options.minDaysBetweenSameLink;
    const notes: string[] = [];
    if (startText !== undefined && (isValidTimeZone(timeZone) || /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/.test(startText.trim()))) {
        const parsed = parsePublishAt(startText, timeZone, `${field}.startAt`);
        if (!parsed.ok) return { ok: false, problems: [parsed.problem] };
        options.startAt = parsed.epochMs;
        if (parsed.note) notes.push(`${field}.startAt: ${parsed.note}`);
    }
    return { ok: true, options, notes };
}

/** Every problem with the user's spacing, one sentence each; empty when it is fine. For the input validation. */
export function spacingProblems(spacing: unknown, timeZone: string, field = 'spacing'): string[] {
    const checked = checkSpacing(spacing, timeZone, field);
    return checked.ok ? [] : checked.problems;
}

/**
 * Decides when each pin of a batch is published; see the rules at the top of this file. Returns one entry per pin,
 * in the same order. Throws `SpacingOptionsError` for options `spacingProblems` rejects (validate input first).
 */
export function assignPublishTimes(pins: readonly SpacingPin[], options: SpacingOptions & ScheduleContext): ScheduledTime[] {
    const { timeZone, now, existing } = options;
    const random = options.random ?? Math.random;
    const problems = optionProblems({ ...options }, 'spacing');
    if (!isValidTimeZone(timeZone)) problems.push(`timeZone "${timeZone}" is not an IANA time zone name`);
    if (problems.length > 0) throw new SpacingOptionsError(problems);

    const minDays = options.minDaysBetweenSameLink ?? 0;
    const candidates = candidateTimes(options);
    const takenMinutes = new Set<number>();
    const linkRule = sameLinkRule(minDays, timeZone);
    const perDay = dayCap(options.maxPerDay, timeZone);
    for (const item of existing) {
        takenMinutes.add(minuteOf(item.slotAt ?? item.publishAt));
        linkRule.add(normalizeLink(item.link), item.publishAt);
        perDay?.add(item.slotAt ?? item.publishAt);
    }

    const results: ScheduledTime[] = pins.map(() => ({}));
    const links = pins.map((pin) => normalizeLink(pin.link));
    // Explicit times first, so that a later pin's explicit time is never handed to an earlier pin as a free slot.
    pins.forEach((pin, index) => {
        if (pin.explicitPublishAt === undefined) return;
        const at = Math.max(pin.explicitPublishAt, now);
        takenMinutes.add(minuteOf(at));
        linkRule.add(links[index], at);
        perDay?.add(at);
        if (pin.explicitPublishAt > now) results[index] = { publishAt: pin.explicitPublishAt };
    });

    const spaced: number[] = [];
    pins.forEach((pin, index) => {
        if (pin.explicitPublishAt !== undefined) return;
        const link = links[index];
        let bound = now;
        let pushedBy: number | undefined;
        for (;;) {
            let at = candidates.firstAtOrAfter(bound);
            for (;;) {
                if (perDay?.full(at)) at = candidates.firstAtOrAfter(perDay.nextDay(at));
                else if (candidates.usesSlots && takenMinutes.has(minuteOf(at))) at = candidates.firstAtOrAfter(at + 1);
                else break;
            }
            const conflicts = linkRule.conflicts(link, at);
            if (conflicts.length === 0) {
                bound = at;
                break;
            }
            pushedBy = Math.max(...conflicts);
            bound = Math.max(...conflicts.map((other) => linkRule.plusDays(other)));
        }
        const at = bound;
        if (candidates.usesSlots) takenMinutes.add(minuteOf(at));
        linkRule.add(link, Math.max(at, now));
        perDay?.add(Math.max(at, now));
        const result: ScheduledTime = at > now ? { publishAt: at, slotAt: at } : {};
        if (pushedBy !== undefined) {
            result.movedForLink = true;
            result.note =
                `${link} is already scheduled or published at ${formatInZone(pushedBy, timeZone)}: ` +
                `moved to ${formatInZone(at, timeZone)} to keep spacing.minDaysBetweenSameLink (${minDays} days)`;
        }
        results[index] = result;
        if (at > now) spaced.push(index);
    });

    if (options.jitterMinutes) {
        applyJitter(spaced, results, links, linkRule, { ...options, random, jitterMinutes: options.jitterMinutes, keepDay: perDay !== undefined });
    }
    return results;
}

interface CandidateTimes {
    /** The earliest candidate at or after `bound`, ignoring taken ones. */
    firstAtOrAfter(bound: number): number;
    /** Grid points and slots can be taken; "post now" (no rhythm) can be shared by any number of pins. */
    usesSlots: boolean;
}

function candidateTimes(options: SpacingOptions & ScheduleContext): CandidateTimes {
    const { now, timeZone } = options;
    if (options.intervalMinutes !== undefined) {
        const interval = options.intervalMinutes * 60_000;
        const base = Math.max(options.startAt ?? now, now);
        return { usesSlots: true, firstAtOrAfter: (bound) => (bound <= base ? base : base + Math.ceil((bound - base) / interval) * interval) };
    }
    if (options.timeSlots && options.timeSlots.length > 0) {
        const slots = options.timeSlots.map(parseTimeSlot).filter((slot): slot is TimeSlot => !('problem' in slot));
        // The most slots any one weekday has: how far past an answer the run of instants must reach (see below).
        const mostPerDay = Math.max(...[0, 1, 2, 3, 4, 5, 6].map((day) => slots.filter((slot) => !slot.days || slot.days.includes(day)).length));
        const floor = Math.max(now + 1, options.startAt ?? now + 1);
        // Slot instants of a run of consecutive local days, sorted; days are numbered like epoch days of the local date.
        // Skipping taken slots asks for the next slot many times, so the answer should not need a zone lookup.
        let instants: number[] = [];
        let lastDay = Number.NaN;
        const addDay = (dayNumber: number) => {
            const date = new Date(dayNumber * DAY_MS);
            const day = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
            const weekday = (date.getUTCDay() + 6) % 7;
            for (const slot of slots) {
                if (slot.days && !slot.days.includes(weekday)) continue;
                const at = resolveLocalTime({ ...day, hour: slot.hour, minute: slot.minute }, timeZone)?.epochMs;
                if (at !== undefined) instants.push(at);
            }
            // A gap can push a slot past a later one of the same day, so keep the run sorted.
            instants.sort((a, b) => a - b);
            lastDay = dayNumber;
        };
        return {
            usesSlots: true,
            firstAtOrAfter(bound) {
                const from = Math.max(bound, floor);
                if (!(instants.length > 0 && from >= (instants[0] ?? Infinity) && from <= (instants.at(-1) ?? -Infinity))) {
                    const local = localDateTimeOf(from, timeZone);
                    const dayOfFrom = Math.floor(Date.UTC(local.year, local.month - 1, local.day) / DAY_MS);
                    // Start again from the day before unless `from` lies just after the run: then the run grows.
                    if (!(instants.length > 0 && from > (instants[0] ?? Infinity) && dayOfFrom <= lastDay + 1)) {
                        instants = [];
                        addDay(dayOfFrom - 1);
                    }
                    while ((instants.at(-1) ?? -Infinity) < from) addDay(lastDay + 1);
                }
                // One day beyond the answer, so a slot of the next day that a gap moved earlier is not missed.
                if (firstIndexAtOrAfter(instants, from) >= instants.length - mostPerDay) addDay(lastDay + 1);
                return instants[firstIndexAtOrAfter(instants, from)] ?? from;
            },
        };
    }
    return { usesSlots: false, firstAtOrAfter: (bound) => Math.max(bound, now) };
}

function applyJitter(
    spaced: number[],
    results: ScheduledTime[],
    links: (string | undefined)[],
    linkRule: SameLinkRule,
    context: ScheduleContext & { random: () => number; jitterMinutes: number; keepDay: boolean },
): void {
    const { now, random, existing } = context;
    const nominal = (index: number) => results[index]?.slotAt ?? now;
    const isSpaced = new Set(spaced);
    const queued = existing.map((item) => ({ at: item.publishAt, link: normalizeLink(item.link) }));
    // In time order, so each pin is checked against the final (jittered) times of the pins before it and the
    // unjittered times of the pins after it: both keep the link rule, so whatever each pin picks stays valid.
    for (const index of [...spaced].sort((a, b) => nominal(a) - nominal(b))) {
        const result = results[index];
        if (!result || result.publishAt === undefined) continue;
        const at = nominal(index);
        // Order is kept by staying strictly within the midpoints to the unjittered neighbours: the windows of two
        // spaced pins never overlap, whatever their random draws. Pins posting now count at `now`.
        const others = results.flatMap((other, otherIndex) => {
            if (otherIndex === index) return [];
            const at = other.publishAt ?? now;
            return [{ at, unjittered: isSpaced.has(otherIndex) ? nominal(otherIndex) : at, link: links[otherIndex] }];
        });
        const orderPoints = [...queued.map((item) => item.at), ...others.map((other) => other.unjittered)];
        const before = Math.max(...orderPoints.filter((point) => point <= at));
        const after = Math.min(...orderPoints.filter((point) => point >= at));
        // With a cap per day, a pin stays on its local day, so that the day it was counted on is the day it posts.
        const day = context.keepDay ? localDayBounds(at, context.timeZone) : { start: -Infinity, next: Infinity };
        const low = Math.max(now + 1000, Number.isFinite(before) ? Math.floor((before + at) / 2) + 1 : -Infinity, day.start);
        const high = Math.min(Number.isFinite(after) ? Math.ceil((at + after) / 2) - 1 : Infinity, day.next - 1000);
        const offset = Math.round((2 * random() - 1) * context.jitterMinutes * 60) * 1000;
        let jittered = Math.min(Math.max(at + offset, Math.min(low, at)), Math.max(high, at));
        const link = links[index];
        if (linkRule.active && link !== undefined) {
            const sameLink = [...queued, ...others].filter((other) => other.link === link);
            if (!sameLink.every((other) => linkRule.apart(jittered, other.at))) jittered = at;
        }
        result.publishAt = jittered;
    }
}

interface SameLinkRule {
    active: boolean;
    /** Records that `link` is published at `at`. */
    add(link: string | undefined, at: number): void;
    /** The recorded times of `link` too close to `at`. */
    conflicts(link: string | undefined, at: number): number[];
    /** True when the later instant is at least N calendar days (same wall-clock time) after the earlier one. */
    apart(a: number, b: number): boolean;
    /** The same wall-clock time N calendar days later. */
    plusDays(at: number): number;
}

/**
 * `minDaysBetweenSameLink` as a lookup: times per link kept sorted, and calendar arithmetic memoized, because a batch
 * of one link asks about the same instants over and over while each pin walks past the ones before it.
 */
function sameLinkRule(days: number, zone: string): SameLinkRule {
    const timesByLink = new Map<string, number[]>();
    const daysLater = new Map<number, number>();
    // A calendar day is 24 h give or take a change of clocks (at most 2 h anywhere): decide the clear cases cheaply.
    const reach = days * DAY_MS + 3 * 3_600_000;
    const plusDays = (at: number) => {
        let later = daysLater.get(at);
        if (later === undefined) {
            later = plusCalendarDays(at, days, zone);
            daysLater.set(at, later);
        }
        return later;
    };
    const apart = (a: number, b: number) => {
        if (days <= 0) return true;
        const distance = Math.abs(a - b);
        if (distance >= reach) return true;
        if (distance < days * DAY_MS - 3 * 3_600_000) return false;
        return Math.max(a, b) >= plusDays(Math.min(a, b));
    };
    return {
        active: days > 0,
        add(link, at) {
            if (link === undefined || days <= 0) return;
            const times = timesByLink.get(link) ?? [];
            times.splice(firstIndexAtOrAfter(times, at), 0, at);
            timesByLink.set(link, times);
        },
        conflicts(link, at) {
            const times = link === undefined ? undefined : timesByLink.get(link);
            if (!times) return [];
            const nearby = times.slice(firstIndexAtOrAfter(times, at - reach), firstIndexAtOrAfter(times, at + reach));
            return nearby.filter((other) => !apart(at, other));
        },
        apart,
        plusDays,
    };
}

interface DayCap {
    add(at: number): void;
    /** True when the local day of `at` already holds the most pins a day may have. */
    full(at: number): boolean;
    /** Where the local day after that of `at` begins. */
    nextDay(at: number): number;
}

/** `maxPerDay` as a count of pins per local day; undefined without a cap. */
function dayCap(maxPerDay: number | undefined, zone: string): DayCap | undefined {
    if (!maxPerDay) return undefined;
    const counts = new Map<number, number>();
    return {
        add(at) {
            const day = localDayOf(at, zone);
            counts.set(day, (counts.get(day) ?? 0) + 1);
        },
        full: (at) => (counts.get(localDayOf(at, zone)) ?? 0) >= maxPerDay,
        nextDay: (at) => localDayBounds(at, zone).next,
    };
}

/** Binary search in an ascending list: the index of the first value >= `value` (the length when there is none). */
function firstIndexAtOrAfter(sorted: readonly number[], value: number): number {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
        const middle = (low + high) >> 1;
        if ((sorted[middle] ?? Infinity) < value) low = middle + 1;
        else high = middle;
    }
    return low;
}

function minuteOf(epochMs: number): number {
    return Math.floor(epochMs / 60_000);
}
