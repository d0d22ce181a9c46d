import { ANALYTICS_FIELDS, dateRangeProblems } from '../analytics/input.js';
import { fromDay, resolveDateRange, today } from '../analytics/dates.js';
import { runPinAnalytics } from '../analytics/run-pin-analytics.js';
import { FIELDS, modeInputSchema } from '../input.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { defineMode } from './types.js';

const { pinIds, startDate, endDate, clampDateRange, metricTypes, appTypes, quick } = ANALYTICS_FIELDS;

export const getPinAnalytics = defineMode({
    input: modeInputSchema('get-pin-analytics', {
        pinIds,
        boardId: FIELDS.boardId,
        maxItems: FIELDS.maxItems,
        startDate,
        endDate,
        clampDateRange,
        metricTypes,
        appTypes,
        quick,
    }),
    inputProblems: (raw) => [
        ...dateRangeProblems(raw),
        ...(Array.isArray(raw.pinIds) && raw.pinIds.length > 0 && raw.boardId ? ['Give either pinIds or boardId, not both'] : []),
    ],
    operations: [OPERATIONS.getMultiPinAnalytics, OPERATIONS.getPinAnalytics, OPERATIONS.getPin, OPERATIONS.listBoardPins, OPERATIONS.listPins],
    writes: false,

    async run(context) {
        const { input, now } = context;
        const range = input.quick
            ? { startDate: fromDay(today(now()) - 90), endDate: fromDay(today(now())), days: 91, warnings: [] }
            : resolveDateRange({ startDate: input.startDate, endDate: input.endDate }, now(), input.clampDateRange);
        return runPinAnalytics(context, range);
    },
});
