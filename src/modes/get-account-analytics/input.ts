import type { z } from 'zod';

import { ANALYTICS_FIELDS, dateRangeProblems } from '../../analytics/input.js';
import { modeInputSchema } from '../../input/fields.js';

const { startDate, endDate, clampDateRange, accountMetricTypes, appTypes, splitField, sortBy, topPinsCount, reportTitle } = ANALYTICS_FIELDS;

export const accountAnalyticsInput = modeInputSchema('get-account-analytics', {
    startDate,
    endDate,
    clampDateRange,
    accountMetricTypes,
    appTypes,
    splitField,
    sortBy,
    topPinsCount,
    reportTitle,
});
export type AccountAnalyticsInput = z.infer<typeof accountAnalyticsInput>;

/** The date-range rules, against the run's clock. */
export const accountAnalyticsInputProblems = (raw: Record<string, unknown>): string[] => dateRangeProblems(raw);
