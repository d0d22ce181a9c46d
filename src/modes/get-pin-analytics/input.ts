import type { z } from 'zod';

import { ANALYTICS_FIELDS, dateRangeProblems, publishedTimeMs } from '../../analytics/input.js';
import { runClock } from '../../common/clock.js';
import { FIELDS, modeInputSchema } from '../../input/fields.js';
import { boardChoiceProblems } from '../board-choice.js';
import { SHARED_FIELDS } from '../input.js';

const { pinIds, startDate, endDate, clampDateRange, metricTypes, appTypes, quick, reportTitle, publishedSince, publishedUntil, groupBy } =
    ANALYTICS_FIELDS;

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
    publishedSince,
    publishedUntil,
    groupBy,
    ledgerStoreName: SHARED_FIELDS.ledgerStoreName,
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
        ...publishedProblems(raw),
    ];
}

/** publishedSince picks the pins from the ledger's index: not together with pinIds, and a window that exists. */
function publishedProblems(raw: Record<string, unknown>): string[] {
    const parsed = pinAnalyticsInput.pick({ publishedSince: true, publishedUntil: true }).safeParse(raw);
    if (!parsed.success) return [];
    const { publishedSince: since, publishedUntil: until } = parsed.data;
    const problems: string[] = [];
    if (until && !since)
        problems.push('publishedUntil needs publishedSince: give the start of the window too, for example "publishedSince": "2026-01-01"');
    if (since && Array.isArray(raw.pinIds) && raw.pinIds.length > 0) problems.push('Give either pinIds or publishedSince, not both');
    if (since && until && publishedTimeMs(since, 'since') > publishedTimeMs(until, 'until'))
        problems.push(`publishedUntil (${until}) must not be before publishedSince (${since})`);
    if (since && publishedTimeMs(since, 'since') > runClock()())
        problems.push(`publishedSince (${since}) is in the future: no pin was published after it yet`);
    return problems;
}
