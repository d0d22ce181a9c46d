import type { z } from 'zod';

import { blankToUndefined, FIELDS, modeInputSchema } from '../../input/fields.js';
import { dateTimeTextProblem, DEFAULT_TIME_ZONE, timeZoneProblem } from '../../schedule/time-text.js';
import { NEW_PUBLISH_AT_FIELD, SCHEDULE_IDS_FIELD } from '../cancel-scheduled.js';
import { SHARED_FIELDS } from '../input.js';
import { changesField, changesProblems } from '../update-pins/input.js';

export const updateScheduledInput = modeInputSchema('update-scheduled', {
    queueStoreName: SHARED_FIELDS.queueStoreName,
    ledgerStoreName: SHARED_FIELDS.ledgerStoreName,
    scheduleIds: SCHEDULE_IDS_FIELD,
    changes: changesField,
    newPublishAt: NEW_PUBLISH_AT_FIELD,
    timeZone: SHARED_FIELDS.timeZone,
    dryRun: FIELDS.dryRun,
});
export type UpdateScheduledInput = z.infer<typeof updateScheduledInput>;

/** Rules spanning update-scheduled's fields, all before any request. */
export function updateScheduledInputProblems(raw: Record<string, unknown>): string[] {
    const problems: string[] = [];
    if (!Array.isArray(raw.scheduleIds) || raw.scheduleIds.length === 0) {
        problems.push('update-scheduled needs scheduleIds: the queued pins to change, as list-scheduled shows them');
    }
    const changes = changesProblems(raw.changes);
    problems.push(...changes.problems);
    const moving = typeof blankToUndefined(raw.newPublishAt) === 'string';
    if (!changes.changes && !moving) problems.push('update-scheduled needs something to change: changes, newPublishAt or both');
    const zone = typeof raw.timeZone === 'string' && raw.timeZone.trim() ? raw.timeZone.trim() : DEFAULT_TIME_ZONE;
    const zoneProblem = timeZoneProblem(zone);
    if (zoneProblem) problems.push(zoneProblem);
    else if (moving) {
        const problem = dateTimeTextProblem((raw.newPublishAt as string).trim(), zone, 'newPublishAt');
        if (problem) problems.push(problem);
    }
    return problems;
}
