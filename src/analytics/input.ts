import { z } from 'zod';

import { runClock } from '../common/clock.js';
import { blankToUndefined, FIELDS, flag, optionalText, trimmed, wholeNumber } from '../input/fields.js';
import { DATE_PATTERN, DateRangeError, isValidDate, resolveDateRange } from './dates.js';
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
export function dateRangeProblems(raw: Record<string, unknown>, now: () => number = runClock()): string[] {
    const text = (value: unknown) => (typeof value === 'string' && isValidDate(value.trim()) ? value.trim() : undefined);
    const startDate = text(raw.startDate);
    const endDate = text(raw.endDate);
    if ((raw.startDate && !startDate) || (raw.endDate && !endDate) || raw.quick === true) return [];
    try {
        resolveDateRange({ startDate, endDate }, now(), raw.clampDateRange === true);
        return [];
    } catch (error) {
        if (error instanceof DateRangeError) return [error.message];
        throw error;
    }
}
