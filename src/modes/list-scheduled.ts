import { z } from 'zod';

import { blankToUndefined, dateTimeTypeError, FIELDS, modeInputSchema, optionalText, trimmed } from '../input/fields.js';
import type { ScheduledPinItem } from '../output/items.js';
import { draftFields } from '../publish/rows.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { openAccountQueue, QUEUE_STATUSES, type QueueEntry, type QueueStatus } from '../schedule/queue.js';
import { dateTimeTextProblem, DEFAULT_TIME_ZONE, formatLocalTime, formatUtc, timeZoneProblem } from '../schedule/time-text.js';
import { SHARED_FIELDS } from './input.js';
import { defineMode } from './types.js';
import { plural } from '../common/text.js';

const iso = (ms: number | undefined) => (ms === undefined ? null : formatUtc(ms));
const WAITING: QueueStatus[] = ['scheduled', 'publishing'];
const FINISHED: QueueStatus[] = ['published', 'failed', 'cancelled'];

/** A queue entry as a dataset row, its time also on the wall clock of `timeZone`. */
export function toScheduledPinItem(entry: QueueEntry, timeZone: string): ScheduledPinItem {
    const { boardId, title, description, link, imageUrl, mediaType, key } = draftFields(entry.draft);
    return {
        type: 'scheduledPin',
        scheduleId: entry.scheduleId,
        status: entry.status,
        publishAt: formatUtc(entry.publishAt),
        publishAtLocal: formatLocalTime(entry.publishAt, timeZone),
        boardId,
        title,
        description,
        link,
        imageUrl,
        mediaType,
        key,
        attempts: entry.attempts,
        lastError: entry.lastError ?? null,
        nextAttemptAt: iso(entry.nextAttemptAt),
        id: entry.pinId ?? null,
        url: entry.pinUrl ?? null,
        publishedAt: iso(entry.publishedAt),
    };
}

const timeField = (field: string) =>
    optionalText(trimmed(dateTimeTypeError(field)).max(64, `${field} must be an ISO 8601 date and time such as 2026-12-01T00:00:00Z`));

const input = modeInputSchema('list-scheduled', {
    queueStoreName: SHARED_FIELDS.queueStoreName,
    statusFilter: z.preprocess(
        blankToUndefined,
        z
            .array(z.enum(QUEUE_STATUSES, { error: `statusFilter may list: ${QUEUE_STATUSES.join(', ')}` }), {
                error: `statusFilter must be a list of statuses: ${QUEUE_STATUSES.join(', ')}`,
            })
            .optional(),
    ),
    publishFrom: timeField('publishFrom'),
    publishTo: timeField('publishTo'),
    timeZone: SHARED_FIELDS.timeZone,
    maxItems: FIELDS.maxItems,
});

/** Lists the scheduling queue (free): what is waiting, soonest first, then what went out, failed or was cancelled, latest first. */
export const listScheduled = defineMode({
    title: 'List the scheduling queue',
    description: 'Shows the queued pins (free): what waits, soonest first, then what was published, failed or cancelled, latest first.',
    input,
    operations: [OPERATIONS.getUserAccount],

    inputProblems(raw) {
        const zone = typeof raw.timeZone === 'string' && raw.timeZone.trim() ? raw.timeZone.trim() : DEFAULT_TIME_ZONE;
        const problems = [timeZoneProblem(zone)].filter((problem): problem is string => Boolean(problem));
        for (const field of ['publishFrom', 'publishTo']) {
            const value = blankToUndefined(raw[field]);
            if (typeof value !== 'string') continue;
            const problem = dateTimeTextProblem(value, problems.length > 0 ? DEFAULT_TIME_ZONE : zone, field);
            if (problem) problems.push(problem);
        }
        return problems;
    },

    async run(context) {
        const { input, output } = context;
        const queue = await openAccountQueue(context, input);
        // Placing a wall-clock time in a zone needs the zone data, loaded only when a window was asked for.
        const { parsePublishAt } = await import('../schedule/time.js');
        const bound = (text: string | undefined) => (text ? (parsePublishAt(text, input.timeZone) as { epochMs: number }).epochMs : undefined);
        const from = bound(input.publishFrom) ?? -Infinity;
        const to = bound(input.publishTo) ?? Infinity;
        const statuses = new Set<QueueStatus>(input.statusFilter && input.statusFilter.length > 0 ? input.statusFilter : QUEUE_STATUSES);
        const rows: ScheduledPinItem[] = [];
        let more = false;
        /** Adds the entry's row when it matches; false once maxItems rows are taken and one more matches. */
        const take = (entry: QueueEntry): boolean => {
            if (!statuses.has(entry.status)) return true;
            more = rows.length >= input.maxItems;
            if (!more) rows.push(toScheduledPinItem(entry, input.timeZone));
            return !more;
        };
        // What is still to go out, the soonest first: each key says when a pin is due, so only those listed are read.
        if (WAITING.some((status) => statuses.has(status))) {
            for await (const pointer of queue.waitingPointers()) {
                if (pointer.dueAt < from) continue;
                if (pointer.dueAt > to) break;
                const entry = await queue.entryAt(pointer.key);
                if (entry && !take(entry)) break;
            }
        }
        // Then what went out, failed or was cancelled, the latest first.
        if (!more && FINISHED.some((status) => statuses.has(status))) {
            for await (const key of queue.historyKeys()) {
                const entry = await queue.entryAt(key);
                if (!entry) continue;
                if ((entry.finishedAt ?? entry.publishAt) < from) break;
                if (entry.publishAt > to || entry.publishAt < from) continue;
                if (!take(entry)) break;
            }
        }
        await output.pushRows(rows);
        const pausedSince = await queue.pausedSince();
        const paused = pausedSince === undefined ? '' : ` Publishing is paused since ${formatUtc(pausedSince)}: run resume-queue to go on.`;
        const counts: Record<string, number> = {};
        for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
        const breakdown = Object.entries(counts)
            .map(([status, count]) => `${count} ${status}`)
            .join(', ');
        return {
            summary: `Listed ${plural(rows.length, 'queued pin')} of ${queue.label}${breakdown ? ` (${breakdown})` : ''}${more ? '; more match: raise maxItems' : ''}.${paused}`,
            counts,
            hasMore: more,
        };
    },
});
