import { z } from 'zod';

import { runClock } from '../common/clock.js';
import { blankToUndefined, FIELDS, flag, optionalText, trimmed, wholeNumber } from '../input/fields.js';
import { apiWindowStart, DATE_PATTERN, DateRangeError, isValidDate, type RangeRules, resolveDateRange } from './dates.js';
import { ACCOUNT_METRIC_TYPES, ACCOUNT_SPLIT_FIELDS, APP_TYPES, PIN_METRIC_TYPES, TOP_PINS_SORT } from './metrics.js';

/** Input fields of the analytics modes; the Console form (`npm run schema`) shows them in its Analytics section. */

export const ANALYTICS_LIMITS = {
    topPinsCount: { min: 1, max: 50, default: 25 },
    /** A client's or brand's name fits a report's title line; longer text is a description, not a title. */
    reportTitle: 100,
} as const;

const date = (field: string) =>
    optionalText(
        trimmed(`${field} must be a date written YYYY-MM-DD (UTC), for example 2025-06-01`)
            .regex(DATE_PATTERN, `${field} must be a date written YYYY-MM-DD (UTC), for example 2025-06-01`)
            .refine(isValidDate, `${field} must be a date that exists, for example 2025-06-30`),
    );

const enumField = <T extends readonly [string, ...string[]]>(field: string, values: T, fallback: T[number]) =>
    z.preprocess(
        (value) => blankToUndefined(typeof value === 'string' ? value.trim().toUpperCase() : value),
        z.enum(values, { error: `${field} must be one of: ${values.join(', ')}` }).default(fallback),
    );

const enumList = <T extends readonly [string, ...string[]]>(field: string, values: T) =>
    z.preprocess(
        (value) =>
            Array.isArray(value)
                ? value.map((item) => (typeof item === 'string' ? item.trim().toUpperCase() : item)).filter((item) => item !== '')
                : blankToUndefined(value),
        z
            .array(z.enum(values, { error: `${field} may contain only: ${values.join(', ')}` }), {
                error: `${field} must be a list of metric names, for example ["IMPRESSION", "SAVE"]`,
            })
            .optional(),
    );

/** What the account report compares the range with. */
export const COMPARE_TO = ['previousPeriod', 'previousYear'] as const;
/** How get-pin-analytics groups its pins into summary rows. */
export const GROUP_BY = ['board'] as const;

/** A value of a fixed list given in any case: `previousyear` is `previousYear`. */
const choice = <T extends readonly [string, ...string[]]>(field: string, values: T) =>
    z.preprocess(
        (value) => {
            const given = blankToUndefined(typeof value === 'string' ? value.trim() : value);
            return typeof given === 'string' ? (values.find((each) => each.toLowerCase() === given.toLowerCase()) ?? given) : given;
        },
        z.enum(values, { error: `${field} must be one of: ${values.join(', ')}` }),
    );

/** `2026-03-01` (the start of that day, UTC) or a date and time with Z or an offset (`2026-03-01T09:00:00+01:00`). */
const PUBLISHED_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

const publishedTime = (field: string) =>
    optionalText(
        trimmed(`${field} must be a date (YYYY-MM-DD, UTC) or a date and time with an offset, as text such as 2026-03-01`)
            .regex(
                PUBLISHED_TIME,
                `${field} must be a date (YYYY-MM-DD, UTC) or a date and time with Z or an offset, for example 2026-03-01 or 2026-03-01T09:00:00+01:00`,
            )
            .refine(
                (text) => (text.length === 10 ? isValidDate(text) : !Number.isNaN(Date.parse(text.replace(' ', 'T')))),
                `${field} must be a date that exists, for example 2026-03-01`,
            ),
    );

/**
 * The instant a publishedSince / publishedUntil text stands for: a date alone is the start of that day in UTC for
 * `since`, and its end for `until` (so that "until 2026-03-31" includes the 31st).
 */
export function publishedTimeMs(text: string, end: 'since' | 'until'): number {
    if (text.length === 10) return Date.parse(`${text}T00:00:00Z`) + (end === 'until' ? 86_400_000 - 1 : 0);
    return Date.parse(text.replace(' ', 'T'));
}

export const ANALYTICS_FIELDS = {
    pinIds: FIELDS.pinIds,
    startDate: date('startDate'),
    endDate: date('endDate'),
    clampDateRange: flag('clampDateRange'),
    metricTypes: enumList('metricTypes', PIN_METRIC_TYPES),
    accountMetricTypes: enumList('accountMetricTypes', ACCOUNT_METRIC_TYPES),
    appTypes: enumField('appTypes', APP_TYPES, 'ALL'),
    splitField: enumField('splitField', ACCOUNT_SPLIT_FIELDS, 'NO_SPLIT'),
    sortBy: enumField('sortBy', TOP_PINS_SORT, 'IMPRESSION'),
    topPinsCount: wholeNumber('topPinsCount', ANALYTICS_LIMITS.topPinsCount),
    quick: flag('quick'),
    compareTo: z.preprocess(blankToUndefined, choice('compareTo', COMPARE_TO).default('previousPeriod')),
    publishedSince: publishedTime('publishedSince'),
    publishedUntil: publishedTime('publishedUntil'),
    groupBy: z.preprocess(blankToUndefined, choice('groupBy', GROUP_BY).optional()),
    /** The report's title, for agencies sending it to a client: "Acme Garden Supplies, November". */
    reportTitle: optionalText(
        trimmed('reportTitle must be text: the report\u2019s title, for example a client\u2019s name').max(
            ANALYTICS_LIMITS.reportTitle,
            `reportTitle must be at most ${ANALYTICS_LIMITS.reportTitle} characters, for example a client's name`,
        ),
    ),
};

/**
 * The date-range rules, checked when the input is read (before any request), against the run's clock. Format
 * errors are the fields' own; this only judges a range made of valid dates.
 */
export function dateRangeProblems(raw: Record<string, unknown>, now: () => number = runClock(), rules: RangeRules = {}): string[] {
    const startDate = dateText(raw.startDate);
    const endDate = dateText(raw.endDate);
    if ((raw.startDate && !startDate) || (raw.endDate && !endDate) || raw.quick === true) return [];
    try {
        resolveDateRange({ startDate, endDate }, now(), raw.clampDateRange === true, rules);
        return [];
    } catch (error) {
        if (error instanceof DateRangeError) return [error.message];
        throw error;
    }
}

const dateText = (value: unknown) => (typeof value === 'string' && isValidDate(value.trim()) ? value.trim() : undefined);

/**
 * The history keeps the whole account (all apps, no split), so a range that reaches past Pinterest's 90 days, or a
 * comparison with the year before, can be had only that way. Judged from the input alone, before any request.
 */
export function historyScopeProblems(raw: Record<string, unknown>, now: () => number = runClock()): string[] {
    const startDate = dateText(raw.startDate);
    const older = startDate !== undefined && startDate < apiWindowStart(now()) && raw.clampDateRange !== true;
    const yearBefore = typeof raw.compareTo === 'string' && raw.compareTo.trim().toLowerCase() === 'previousyear';
    if (!older && !yearBefore) return [];
    const given = (field: string, fallback: string) => {
        const value = blankToUndefined(raw[field]);
        return typeof value === 'string' && value.trim().toUpperCase() !== fallback ? value.trim() : undefined;
    };
    const why = older
        ? `startDate ${startDate} is older than the 90 days Pinterest keeps`
        : 'compareTo previousYear reaches past the 90 days Pinterest keeps';
    return [
        ...(given('splitField', 'NO_SPLIT')
            ? [`splitField must be NO_SPLIT here: ${why}, and the history snapshot-analytics keeps has the whole account, not split`]
            : []),
        ...(given('appTypes', 'ALL') ? [`appTypes must be ALL here: ${why}, and the history snapshot-analytics keeps counts all apps`] : []),
    ];
}
