import { dateTimeTextProblem, parseTimeOfDay } from './time-text.js';

/**
 * The checks of a `spacing` input that need no time-zone data, so that create-pin rejects a bad one before any
 * request; applying spacing is `spacing.ts`'s job, loaded only by runs that schedule.
 */

export const SPACING_LIMITS = {
    intervalMinutes: { min: 1, max: 10_080 },
    jitterMinutes: { min: 0, max: 720 },
    timeSlots: { max: 48 },
    minDaysBetweenSameLink: { min: 0, max: 365 },
} as const;

/** Spacing as the user gives it (input field `spacing`); `startAt` is a text read like `publishAt`. */
export interface SpacingInput {
    startAt?: string;
    intervalMinutes?: number;
    timeSlots?: string[];
    jitterMinutes?: number;
    minDaysBetweenSameLink?: number;
}

export function hasRhythm(spacing: { intervalMinutes?: number | null; timeSlots?: string[] | null }): boolean {
    return (spacing.intervalMinutes !== undefined && spacing.intervalMinutes !== null) || (spacing.timeSlots?.length ?? 0) > 0;
}

/** Checks of the numbers and slot texts, shared by the user-input check and the precondition of assignPublishTimes. */
export function optionProblems(spacing: Omit<SpacingInput, 'startAt'>, field: string): string[] {
    const problems: string[] = [];
    const wholeNumber = (name: keyof typeof SPACING_LIMITS, value: unknown, min: number, max: number, hint = '') => {
        if (value === undefined || value === null) return;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
            problems.push(`${field}.${name} must be a whole number from ${min} to ${max}${hint}`);
        }
    };
    const { intervalMinutes, jitterMinutes, minDaysBetweenSameLink, timeSlots } = spacing;
    wholeNumber('intervalMinutes', intervalMinutes, SPACING_LIMITS.intervalMinutes.min, SPACING_LIMITS.intervalMinutes.max, ' (one week)');
    wholeNumber('jitterMinutes', jitterMinutes, SPACING_LIMITS.jitterMinutes.min, SPACING_LIMITS.jitterMinutes.max);
    wholeNumber(
        'minDaysBetweenSameLink',
        minDaysBetweenSameLink,
        SPACING_LIMITS.minDaysBetweenSameLink.min,
        SPACING_LIMITS.minDaysBetweenSameLink.max,
    );

    let smallestSlotGap: number | undefined;
    if (timeSlots !== undefined && timeSlots !== null) {
        if (!Array.isArray(timeSlots)) {
            problems.push(`${field}.timeSlots must be a list of times of day such as ["09:00", "13:30", "20:00"]`);
        } else if (timeSlots.length > SPACING_LIMITS.timeSlots.max) {
            problems.push(`${field}.timeSlots may list at most ${SPACING_LIMITS.timeSlots.max} times, not ${timeSlots.length}`);
        } else {
            const minutes: number[] = [];
            for (const text of timeSlots) {
                const slot = parseTimeOfDay(text);
                if (!slot) {
                    const shown = String(text).slice(0, 20);
                    problems.push(`${field}.timeSlots entry "${shown}" is not a time of day: use HH:mm from 00:00 to 23:59, such as 09:00 or 13:30`);
                    continue;
                }
                const minute = slot.hour * 60 + slot.minute;
                if (minutes.includes(minute)) problems.push(`${field}.timeSlots lists ${String(text).trim()} twice`);
                else minutes.push(minute);
            }
            minutes.sort((a, b) => a - b);
            if (minutes.length > 0) {
                const first = minutes[0] ?? 0;
                const gaps = minutes.map((minute, i) => (minutes[i + 1] ?? first + 1440) - minute);
                smallestSlotGap = Math.min(...gaps);
            }
        }
    }
    if (typeof intervalMinutes === 'number' && Array.isArray(timeSlots) && timeSlots.length > 0) {
        problems.push(`${field}.intervalMinutes and ${field}.timeSlots cannot be used together: give one of them`);
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

/** Every problem with a `spacing` input, each a sentence naming the field (the time zone is reported on its own). */
export function spacingInputProblems(spacing: unknown, timeZone: string, field = 'spacing'): string[] {
    if (spacing === undefined || spacing === null || typeof spacing !== 'object' || Array.isArray(spacing)) return [];
    const input = spacing as SpacingInput;
    const problems = optionProblems(input, field);
    const startText = input.startAt;
    if (startText !== undefined && startText !== null && String(startText).trim() !== '') {
        if (!hasRhythm(input)) {
            problems.push(
                `${field}.startAt needs ${field}.intervalMinutes or ${field}.timeSlots: to post every pin at one time, give each a publishAt`,
            );
        }
        if (typeof startText !== 'string') problems.push(`${field}.startAt must be a date and time text such as 2026-12-01T09:00`);
        else {
            const problem = dateTimeTextProblem(startText, timeZone, `${field}.startAt`);
            if (problem && !problem.startsWith('timeZone')) problems.push(problem);
        }
    }
    return problems;
}
