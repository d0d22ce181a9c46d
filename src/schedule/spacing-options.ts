import { z } from 'zod';

import { blankToUndefined } from '../input/fields.js';
import { didYouMean, unknownKeys } from '../input/parse.js';
import { parseTimeOfDay, readDateTimeText, shorten } from './time-text.js';

/**
 * The one check of a `spacing` input, free of time-zone data so that create-pin rejects a bad one before any
 * request: the input check and `parseSpacing` (which then places startAt in the zone) both call `checkSpacing`,
 * and `assignPublishTimes` checks its options with the same `optionProblems`. Applying spacing is `spacing.ts`'s
 * job, loaded only by runs that schedule.
 */

export const SPACING_LIMITS = {
    intervalMinutes: { min: 1, max: 10_080 },
    jitterMinutes: { min: 0, max: 720 },
    timeSlots: { max: 48 },
    minDaysBetweenSameLink: { min: 0, max: 365 },
    maxPerDay: { min: 1, max: 1_000 },
} as const;

/** Spacing as the user gives it (input field `spacing`); `startAt` is a text read like `publishAt`. */
export interface SpacingInput {
    startAt?: string;
    intervalMinutes?: number;
    timeSlots?: string[];
    jitterMinutes?: number;
    minDaysBetweenSameLink?: number;
    maxPerDay?: number;
}

const SPACING_KEYS = ['startAt', 'intervalMinutes', 'timeSlots', 'jitterMinutes', 'minDaysBetweenSameLink', 'maxPerDay'] as const;

const integerHint = ({ min, max }: { min: number; max: number }) => z.unknown().meta({ type: 'integer', minimum: min, maximum: max }).optional();

/**
 * The `spacing` input field. It checks only that spacing is an object: its keys carry their types and limits as
 * JSON Schema for the Console form and AI agents, and every value is judged by `checkSpacing`, whose sentences are
 * what the user reads.
 */
export const spacingField = z.preprocess(
    blankToUndefined,
    z
        .object(
            {
                startAt: z.unknown().meta({ type: 'string' }).optional(),
                intervalMinutes: integerHint(SPACING_LIMITS.intervalMinutes),
                timeSlots: z
                    .unknown()
                    .meta({ type: 'array', items: { type: 'string' }, maxItems: SPACING_LIMITS.timeSlots.max })
                    .optional(),
                jitterMinutes: integerHint(SPACING_LIMITS.jitterMinutes),
                minDaysBetweenSameLink: integerHint(SPACING_LIMITS.minDaysBetweenSameLink),
                maxPerDay: integerHint(SPACING_LIMITS.maxPerDay),
            },
            { error: spacingShapeProblem('spacing') },
        )
        .optional(),
);

function spacingShapeProblem(field: string) {
    return `${field} must be an object such as {"timeSlots": ["Mon-Fri 09:00", "Sat,Sun 11:30"]}`;
}

export type CheckedSpacing = { ok: true; spacing: SpacingInput } | { ok: false; problems: string[] };

/**
 * Every problem with a `spacing` input, each a sentence naming the key, or the spacing with blank keys left out.
 * Unknown keys are problems (a near miss names the key meant): ignoring `interval` would post the whole batch now.
 * The time zone itself is not reported here (the caller reports `timeZone` once, see `timeZoneProblem`).
 */
export function checkSpacing(raw: unknown, timeZone: string, field = 'spacing'): CheckedSpacing {
    const value = blankToUndefined(raw);
    if (value === undefined) return { ok: true, spacing: {} };
    if (typeof value !== 'object' || Array.isArray(value)) return { ok: false, problems: [spacingShapeProblem(field)] };
    const given = Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
            .map(([key, item]) => [key, blankToUndefined(item)] as const)
            .filter(([, item]) => item !== undefined),
    );
    const { misses, others } = unknownKeys(given, SPACING_KEYS);
    const problems = [
        ...misses.map((miss) => `${field}: ${didYouMean(miss)}`),
        ...others.map((key) => `${field}: unknown field ${key}: spacing takes ${SPACING_KEYS.join(', ')}`),
        ...optionProblems(given, field),
    ];
    const { startAt } = given;
    if (startAt !== undefined) {
        if (typeof startAt !== 'string') problems.push(`${field}.startAt must be a date and time text such as 2026-12-01T09:00`);
        else {
            const read = readDateTimeText(startAt, timeZone, `${field}.startAt`);
            if (!read.ok && !read.problem.startsWith('timeZone')) problems.push(read.problem);
        }
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, spacing: given as SpacingInput };
}

export function hasRhythm(spacing: { intervalMinutes?: unknown; timeSlots?: unknown }): boolean {
    return (
        (spacing.intervalMinutes !== undefined && spacing.intervalMinutes !== null) ||
        (Array.isArray(spacing.timeSlots) && spacing.timeSlots.length > 0)
    );
}

/** A time slot of the weekly plan: a time of day, on the listed days (0 = Monday … 6 = Sunday) or every day. */
export interface TimeSlot {
    days?: readonly number[];
    hour: number;
    minute: number;
}

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const DAY_WORDS = 'Mon, Tue, Wed, Thu, Fri, Sat or Sun';
const SLOT_EXAMPLE = 'use HH:mm from 00:00 to 23:59, such as 09:00 or 13:30, after days if you like: "Mon-Fri 09:00", "Sat,Sun 11:30"';

/** A day's name, its first three letters or more of it, in any case ("mon", "Tues", "THURSDAY"). */
function dayNumber(word: string): number | undefined {
    const lower = word.trim().toLowerCase();
    if (lower.length < 3) return undefined;
    const index = DAY_NAMES.findIndex((name) => name.toLowerCase().startsWith(lower));
    return index >= 0 ? index : undefined;
}

/**
 * Reads a time slot: `HH:mm` (every day), or days then `HH:mm`, the days a list (`Sat,Sun`), a range (`Mon-Fri`,
 * also across the weekend: `Fri-Mon`) or both (`Mon-Wed,Fri`).
 */
export function parseTimeSlot(text: unknown): TimeSlot | { problem: string } {
    const shown = `"${shorten(String(text)).slice(0, 40)}"`;
    const notASlot = { problem: `entry ${shown} is not a time of day: ${SLOT_EXAMPLE}` };
    if (typeof text !== 'string') return notASlot;
    const match = /^\s*(?:(.*\S)\s+)?(\d{1,2}:\d{2})\s*$/.exec(text);
    const time = match ? parseTimeOfDay(match[2] ?? '') : undefined;
    if (!match || !time) return notASlot;
    if (match[1] === undefined) return time;
    const days = new Set<number>();
    for (const part of match[1].split(',')) {
        const [first = '', last, ...rest] = part.split(/[-–]/);
        const from = dayNumber(first);
        const to = last === undefined ? from : dayNumber(last);
        const wrong = [first, last].find((word) => word !== undefined && dayNumber(word) === undefined);
        if (from === undefined || to === undefined || rest.length > 0) {
            const word = wrong !== undefined ? `"${wrong.trim()}" is not a day` : `"${part.trim()}" is not a day or a range of days`;
            return { problem: `entry ${shown}: ${word}: use ${DAY_WORDS}, as a range such as Mon-Fri or a list such as Sat,Sun` };
        }
        for (let day = from; ; day = (day + 1) % 7) {
            days.add(day);
            if (day === to) break;
        }
    }
    return { days: [...days].sort((a, b) => a - b), ...time };
}

const isSlot = (slot: TimeSlot | { problem: string }): slot is TimeSlot => !('problem' in slot);
const clock = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const WEEK_MINUTES = 7 * 1440;

/**
 * Checks of the numbers, the slots and how the keys go together, shared by the user-input check (`checkSpacing`)
 * and the precondition of assignPublishTimes. `startAt` is only checked for having a rhythm to start.
 */
export function optionProblems(spacing: Record<string, unknown>, field: string): string[] {
    const problems: string[] = [];
    const wholeNumber = (name: keyof typeof SPACING_LIMITS, value: unknown, min: number, max: number, hint = '') => {
        if (value === undefined || value === null) return;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
            problems.push(`${field}.${name} must be a whole number from ${min} to ${max}${hint}`);
        }
    };
    const { intervalMinutes, jitterMinutes, minDaysBetweenSameLink, timeSlots, maxPerDay, startAt } = spacing;
    const limits = SPACING_LIMITS;
    wholeNumber('intervalMinutes', intervalMinutes, limits.intervalMinutes.min, limits.intervalMinutes.max, ' (one week)');
    wholeNumber('jitterMinutes', jitterMinutes, limits.jitterMinutes.min, limits.jitterMinutes.max);
    wholeNumber('minDaysBetweenSameLink', minDaysBetweenSameLink, limits.minDaysBetweenSameLink.min, limits.minDaysBetweenSameLink.max);
    wholeNumber('maxPerDay', maxPerDay, limits.maxPerDay.min, limits.maxPerDay.max);

    let smallestSlotGap: number | undefined;
    if (timeSlots !== undefined && timeSlots !== null) {
        if (!Array.isArray(timeSlots)) {
            problems.push(`${field}.timeSlots must be a list of times of day such as ["09:00", "Mon-Fri 13:30", "Sat,Sun 11:30"]`);
        } else if (timeSlots.length > limits.timeSlots.max) {
            problems.push(`${field}.timeSlots may list at most ${limits.timeSlots.max} times, not ${timeSlots.length}`);
        } else {
            // Each slot's minutes of the week, so that "Mon-Fri 09:00" and "09:00" are seen to meet on Monday.
            const taken = new Map<number, { text: string; everyDay: boolean }>();
            const twice = new Set<string>();
            for (const text of timeSlots as unknown[]) {
                const slot = parseTimeSlot(text);
                if (!isSlot(slot)) {
                    problems.push(`${field}.timeSlots ${slot.problem}`);
                    continue;
                }
                const minute = slot.hour * 60 + slot.minute;
                for (const day of slot.days ?? [0, 1, 2, 3, 4, 5, 6]) {
                    const at = day * 1440 + minute;
                    const earlier = taken.get(at);
                    if (!earlier) {
                        taken.set(at, { text: String(text).trim(), everyDay: !slot.days });
                        continue;
                    }
                    const both = `${earlier.text}|${String(text).trim()}`;
                    if (twice.has(both)) continue;
                    twice.add(both);
                    problems.push(
                        earlier.everyDay && !slot.days
                            ? `${field}.timeSlots lists ${String(text).trim()} twice`
                            : `${field}.timeSlots lists ${clock(minute)} on ${DAY_NAMES[day]} twice ("${earlier.text}" and "${String(text).trim()}")`,
                    );
                }
            }
            const minutes = [...taken.keys()].sort((a, b) => a - b);
            if (minutes.length > 0) {
                const first = minutes[0] ?? 0;
                smallestSlotGap = Math.min(...minutes.map((minute, i) => (minutes[i + 1] ?? first + WEEK_MINUTES) - minute));
            }
        }
    }
    if (typeof intervalMinutes === 'number' && Array.isArray(timeSlots) && timeSlots.length > 0) {
        problems.push(`${field}.intervalMinutes and ${field}.timeSlots cannot be used together: give one of them`);
    }
    if (startAt !== undefined && startAt !== null && !hasRhythm(spacing)) {
        problems.push(`${field}.startAt needs ${field}.intervalMinutes or ${field}.timeSlots: to post every pin at one time, give each a publishAt`);
    }
    if (maxPerDay !== undefined && maxPerDay !== null && !hasRhythm(spacing)) {
        problems.push(
            `${field}.maxPerDay needs ${field}.timeSlots or ${field}.intervalMinutes: the pins over a day's cap move to the next day's first free time`,
        );
    }

    // Beyond half the spacing, jitter could only be honoured by clamping most pins: say so instead.
    const rhythm = typeof intervalMinutes === 'number' && intervalMinutes > 0 ? intervalMinutes : smallestSlotGap;
    if (typeof jitterMinutes === 'number' && jitterMinutes > 0 && rhythm !== undefined && jitterMinutes * 2 >= rhythm) {
        const what =
            rhythm === intervalMinutes ? `${field}.intervalMinutes (${rhythm})` : `the smallest gap between ${field}.timeSlots (${rhythm} minutes)`;
        problems.push(`${field}.jitterMinutes must be less than half of ${what}, so at most ${Math.ceil(rhythm / 2) - 1}`);
    }
    return problems;
}
