import { z } from 'zod';

import { blankToUndefined, flag, modeInputSchema, optionalText, trimmed } from '../input/fields.js';
import { UserInputError } from '../input/parse.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { openAccountQueue, type QueueEntry } from '../schedule/queue.js';
import { dateTimeTextProblem, DEFAULT_TIME_ZONE, formatUtc, timeZoneProblem } from '../schedule/time-text.js';
import { toScheduledPinItem } from './list-scheduled.js';
import { SHARED_FIELDS } from './input.js';
import { defineMode } from './types.js';
import { plural } from '../common/text.js';

const input = modeInputSchema('cancel-scheduled', {
    queueStoreName: SHARED_FIELDS.queueStoreName,
    scheduleIds: z.preprocess(
        blankToUndefined,
        z
            .array(
                trimmed().regex(/^[a-f0-9]{20}$/, 'each of scheduleIds must be a schedule id as list-scheduled shows it (20 letters a-f and digits)'),
                {
                    error: 'scheduleIds must be a list of schedule ids, for example ["3f9a0c2e71b84d5e9a10"]',
                },
            )
            .max(10_000, 'scheduleIds must list at most 10000 ids')
            .optional(),
    ),
    cancelAll: flag('cancelAll'),
    newPublishAt: optionalText(trimmed().max(64, 'newPublishAt must be an ISO 8601 date and time such as 2026-12-01T09:00:00Z')),
    timeZone: SHARED_FIELDS.timeZone,
});

/** Pins that a cancel or reschedule may still change: not yet out, and not in the hands of a running publish. */
const changeable = (entry: QueueEntry, now: number) =>
    entry.status === 'scheduled' || entry.status === 'failed' || (entry.status === 'publishing' && (entry.lease?.expiresAt ?? 0) <= now);

/**
 * Cancels queued pins (by scheduleIds, or every waiting one with cancelAll), or moves them to newPublishAt.
 * Free. A pin that is already published, or being published right now, is reported and left as it is.
 */
export const cancelScheduled = defineMode({
    title: 'Cancel or reschedule queued pins',
    description: 'Cancels queued pins, or moves them to a new time (free).',
    input,
    operations: [OPERATIONS.getUserAccount],

    inputProblems(raw) {
        const given = (field: string) => blankToUndefined(raw[field]) !== undefined;
        const ids = Array.isArray(raw.scheduleIds) && raw.scheduleIds.length > 0;
        const all = raw.cancelAll === true;
        const problems: string[] = [];
        if (!ids && !all) problems.push('cancel-scheduled needs scheduleIds (from list-scheduled), or cancelAll set to true');
        if (ids && all) problems.push('give scheduleIds or cancelAll, not both');
        if (given('newPublishAt') && !ids) problems.push('newPublishAt reschedules the pins named in scheduleIds: add them');
        const zone = typeof raw.timeZone === 'string' && raw.timeZone.trim() ? raw.timeZone.trim() : DEFAULT_TIME_ZONE;
        const zoneProblem = timeZoneProblem(zone);
        if (zoneProblem) problems.push(zoneProblem);
        else if (typeof raw.newPublishAt === 'string' && raw.newPublishAt.trim()) {
            const problem = dateTimeTextProblem(raw.newPublishAt.trim(), zone, 'newPublishAt');
            if (problem) problems.push(problem);
        }
        return problems;
    },

    async run(context) {
        const { input, output, log } = context;
        const now = context.now();
        const queue = await openAccountQueue(context, context.input);
        const entries = await queue.entries();
        const { parsePublishAt } = await import('../schedule/time.js');
        const reschedule = input.newPublishAt ? parsePublishAt(input.newPublishAt, input.timeZone, 'newPublishAt') : undefined;
        if (reschedule && !reschedule.ok) throw new UserInputError([reschedule.problem]);

        const wanted = input.cancelAll
            ? entries.filter((entry) => changeable(entry, now))
            : entries.filter((entry) => input.scheduleIds?.includes(entry.scheduleId));
        const unknown = (input.scheduleIds ?? []).filter((id) => !entries.some((entry) => entry.scheduleId === id));
        const changed: QueueEntry[] = [];
        const untouched: QueueEntry[] = [];
        for (const entry of wanted) {
            if (!changeable(entry, now)) {
                untouched.push(entry);
                continue;
            }
            const next: QueueEntry = reschedule?.ok
                ? {
                      ...entry,
                      status: 'scheduled',
                      publishAt: reschedule.epochMs,
                      slotAt: undefined,
                      attempts: 0,
                      nextAttemptAt: undefined,
                      lastError: undefined,
                      lease: undefined,
                  }
                : { ...entry, status: 'cancelled', lease: undefined };
            await queue.record(entry.scheduleId).write(next);
            changed.push(next);
        }
        await output.pushRows([...changed, ...untouched].map(toScheduledPinItem));

        const verb = reschedule?.ok
            ? `Moved ${plural(changed.length, 'pin')} to ${formatUtc(reschedule.epochMs)}`
            : `Cancelled ${plural(changed.length, 'pin')}`;
        const notes = [
            untouched.length > 0 ? `${untouched.length} already published or being published, left as they are` : '',
            unknown.length > 0
                ? `${plural(unknown.length, 'schedule id')} not in the queue (${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ', …' : ''})`
                : '',
        ].filter(Boolean);
        if (unknown.length > 0) log.warning(`Not in queue store "${input.queueStoreName}" for this account: ${unknown.join(', ')}.`);
        return {
            summary: `${verb}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}.`,
            counts: { changed: changed.length, unchanged: untouched.length, unknown: unknown.length },
            warnings: unknown.length > 0 ? [`Unknown schedule ids: ${unknown.join(', ')}`] : [],
        };
    },
});
