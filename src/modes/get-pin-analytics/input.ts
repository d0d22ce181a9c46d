import type { z } from 'zod';

import { ANALYTICS_FIELDS, dateRangeProblems } from '../../analytics/input.js';
import { FIELDS, modeInputSchema } from '../../input/fields.js';
import { boardChoiceProblems } from '../board-choice.js';

const { pinIds, startDate, endDate, clampDateRange, metricTypes, appTypes, quick, reportTitle } = ANALYTICS_FIELDS;

export const pinAnalyticsInput = modeInputSchema('get-pin-analytics', {
    pinIds,
    boardId: FIELDS.boardId,
    boardName: FIELDS.boardName,
    maxItems: FIELDS.maxItems,
    startDate,
    endDate,
    clampDateRange,
    metricTypes,
    appTypes,
    quick,
    reportTitle,
});
export type PinAnalyticsInput = z.infer<typeof pinAnalyticsInput>;

/** The date-range rules (against the run's clock) and the choice of pins. */
export function pinAnalyticsInputProblems(raw: Record<string, unknown>): string[] {
    return [
        ...dateRangeProblems(raw),
        ...(Array.isArray(raw.pinIds) && raw.pinIds.length > 0 && (raw.boardId || raw.boardName)
            ? [`Give either pinIds or ${raw.boardId ? 'boardId' : 'boardName'}, not both`]
            : []),
        ...boardChoiceProblems(raw),
    ];
}
