import { resolveDateRange } from '../analytics/dates.js';
import { ANALYTICS_FIELDS, dateRangeProblems } from '../analytics/input.js';
import { runAccountAnalytics } from '../analytics/run-account-analytics.js';
import { modeInputSchema } from '../input.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { defineMode } from './types.js';

const { startDate, endDate, clampDateRange, accountMetricTypes, appTypes, splitField, sortBy, topPinsCount } = ANALYTICS_FIELDS;

export const getAccountAnalytics = defineMode({
    input: modeInputSchema('get-account-analytics', {
        startDate,
        endDate,
        clampDateRange,
        accountMetricTypes,
        appTypes,
        splitField,
        sortBy,
        topPinsCount,
    }),
    inputProblems: (raw) => dateRangeProblems(raw),
    operations: [OPERATIONS.getAccountAnalytics, OPERATIONS.getTopPins, OPERATIONS.getPin],
    writes: false,

    async run(context) {
        const { input, now } = context;
        return runAccountAnalytics(context, resolveDateRange({ startDate: input.startDate, endDate: input.endDate }, now(), input.clampDateRange));
    },
});
