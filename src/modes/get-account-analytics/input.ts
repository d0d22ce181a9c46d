import type { z } from 'zod';

import { ANALYTICS_FIELDS, dateRangeProblems, historyScopeProblems } from '../../analytics/input.js';
import { runClock } from '../../common/clock.js';
import { modeInputSchema } from '../../input/fields.js';
import { SHARED_FIELDS } from '../input.js';

const { startDate, endDate, clampDateRange, accountMetricTypes, appTypes, splitField, sortBy, topPinsCount, reportTitle, compareTo } =
    ANALYTICS_FIELDS;

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
    compareTo,
    historyStoreName: SHARED_FIELDS.historyStoreName,
});
export type AccountAnalyticsInput = z.infer<typeof accountAnalyticsInput>;

/**
 * The date-range rules, against the run's clock. A start older than Pinterest's 90 days passes here: the history of
 * snapshot-analytics may hold those days, which only the run can look up (it says so before any analytics request).
 */
export const accountAnalyticsInputProblems = (raw: Record<string, unknown>): string[] => {
    const now = runClock();
    return [...dateRangeProblems(raw, now, { history: true }), ...historyScopeProblems(raw, now)];
};
