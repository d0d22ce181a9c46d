import { z } from 'zod';

import { blankToUndefined, dateTimeTypeError, flag, modeInputSchema, optionalText, trimmed } from '../input/fields.js';
import { UserInputError } from '../input/parse.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { openAccountQueue, type QueueEntry } from '../schedule/queue.js';
import { dateTimeTextProblem, DEFAULT_TIME_ZONE, formatLocalTime, formatUtc, timeZoneProblem } from '../schedule/time-text.js';
import { toScheduledPinItem } from './list-scheduled.js';
import { SHARED_FIELDS } from './input.js';
import { defineMode } from './types.js';
import { plural } from '../common/text.js';

const SCHEDULE_ID_PROBLEM = 'each of scheduleIds must be a schedule id as list-scheduled shows it (20 letters a-f and digits)';

/** The queued pins a run is about, by schedule id (cancel-scheduled, update-scheduled). */
export const SCHEDULE_IDS_FIELD = z.preprocess(
    blankToUndefined,
    z
        .array(trimmed(SCHEDULE_ID_PROBLEM).regex(/^[a-f0-9]{20}$/, SCHEDULE_ID_PROBLEM), {
            error: 'scheduleIds must be a list of schedule ids, for example ["3f9a0c2e71b84d5e9a10"]',
        })
        .max(10_000, 'scheduleIds must list at most 10000 ids')
        .optional(),
);
/** A queued pin's new time (cancel-scheduled, update-scheduled). */
export const NEW_PUBLISH_AT_FIELD = optionalText(
    trimmed(dateTimeTypeError('newPublishAt')).max(64, 'newPublishAt must be an ISO 8601 date and time such as 2026-12-01T09:00:00Z'),
);

const input = modeInputSchema('cancel-scheduled', {
    queueStoreName: SHARED_FIELDS.queueStoreName,
    scheduleIds: SCHEDULE_IDS_FIELD,
    cancelAll: flag('cancelAll'),
    newPublishAt: NEW_PUBLISH_AT_FIELD,
    timeZone: SHARED_FIELDS.timeZone,
});

/**
 * Pins that a cancel or reschedule may still change: not yet out, and not in the hands of a running publish. A
 * cancelled pin may be moved (which queues it again); only a move revives it.
 */
const changeable = (entry: QueueEntry, now: number, moving: boolean) =>
    entry.status === 'scheduled' ||
    entry.status === 'failed' ||
    (moving && entry.status === 'cancelled') ||
    (entry.status === 'publishing' && (entry.lease?.expiresAt ?? 0) <= now);

/**
 * Cancels queued pins (by scheduleIds, or every waiting one with cancelAll), or moves them to newPublishAt.
 * Free. A pin that is already published, or being published right now, is reported and left as it is.
 */
export const cancelScheduled = defineMode({
    title: 'Cancel or reschedule queued pins',
    description: 'Cancels queued pins, or moves them to a new time (free).',
    input,
    // Pins and queue entries named by ID belong to one account: a run lists one.
    oneAccount: true,
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
        const queue = await openAccountQueue(context, input);
        const { parsePublishAt } = await import('../schedule/time.js');
        const reschedule = input.newPublishAt ? parsePublishAt(input.newPublishAt, input.timeZone, 'newPublishAt') : undefined;
        if (reschedule && !reschedule.ok) throw new UserInputError([reschedule.problem]);
        const moving = reschedule?.ok === true;

        // cancelAll: what waits now, read from the waiting index; else the named pins, one read each.
        const ids: string[] = [];
        if (input.cancelAll) for await (const pointer of queue.waitingPointers()) ids.push(pointer.scheduleId);
        else ids.push(...new Set(input.scheduleIds ?? []));

        const changed: QueueEntry[] = [];
        const untouched: QueueEntry[] = [];
        const unknown: string[] = [];
        for (const scheduleId of ids) {
            // Each pin is changed from what is stored at that moment, never from an earlier read, so that a pin a
            // publishing run took in between is reported as such instead of being cancelled on paper only.
            const now = context.now();
            let current: QueueEntry | undefined;
            const next = await queue.update(scheduleId, (entry) => {
                current = entry;
                if (!changeable(entry, now, moving)) return undefined;
                return reschedule?.ok
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
                    : { ...entry, status: 'cancelled', lease: undefined, finishedAt: now };
            });
            if (next) changed.push(next);
            else if (current) {
                if (!input.cancelAll || current.status === 'publishing') untouched.push(current);
            } else unknown.push(scheduleId);
        }
        await output.pushRows([...changed, ...untouched].map((entry) => toScheduledPinItem(entry, input.timeZone)));

        const verb = reschedule?.ok
            ? `Moved ${plural(changed.length, 'pin')} of ${queue.label} to ${formatUtc(reschedule.epochMs)}${input.timeZone === DEFAULT_TIME_ZONE ? '' : ` (${formatLocalTime(reschedule.epochMs, input.timeZone)})`}`
            : `Cancelled ${plural(changed.length, 'pin')} of ${queue.label}`;
        const notes = [
            untouched.length > 0 ? `${untouched.length} already published or being published, left as they are` : '',
            unknown.length > 0
                ? `${plural(unknown.length, 'schedule id')} not in the queue (${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ', …' : ''})`
                : '',
        ].filter(Boolean);
        const warnings = unknown.length > 0 ? [`Not in queue store "${input.queueStoreName}" for this account: ${unknown.join(', ')}.`] : [];
        for (const warning of warnings) log.warning(warning);
        return {
            summary: `${verb}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}.`,
            counts: { changed: changed.length, unchanged: untouched.length, unknown: unknown.length },
            warnings,
        };
    },
});
