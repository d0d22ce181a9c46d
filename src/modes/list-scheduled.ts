import { z } from 'zod';

import { blankToUndefined, FIELDS, modeInputSchema, optionalText, trimmed } from '../input/fields.js';
import type { ScheduledPinItem } from '../output/items.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { openAccountQueue, QUEUE_STATUSES, type QueueEntry } from '../schedule/queue.js';
import { dateTimeTextProblem, DEFAULT_TIME_ZONE, formatUtc, timeZoneProblem } from '../schedule/time-text.js';
import { SHARED_FIELDS } from './input.js';
import { defineMode } from './types.js';
import { plural } from '../common/text.js';

const iso = (ms: number | undefined) => (ms === undefined ? null : formatUtc(ms));

/** A queue entry as a dataset row. */
export function toScheduledPinItem(entry: QueueEntry): ScheduledPinItem {
    const { draft } = entry;
    return {
        type: 'scheduledPin',
        scheduleId: entry.scheduleId,
        status: entry.status,
        publishAt: formatUtc(entry.publishAt),
        boardId: draft.boardId ?? null,
        title: draft.pinTitle ?? null,
        description: draft.pinDescription ?? null,
        link: draft.linkUrl ?? null,
        imageUrl: draft.imageUrl ?? draft.imageUrls?.[0] ?? draft.coverImageUrl ?? null,
        mediaType: draft.videoUrl ? 'video' : draft.imageUrls ? 'multiple_images' : 'image',
        key: draft.key ?? null,
        attempts: entry.attempts,
        lastError: entry.lastError ?? null,
        nextAttemptAt: iso(entry.nextAttemptAt),
        id: entry.pinId ?? null,
        url: entry.pinUrl ?? null,
        publishedAt: iso(entry.publishedAt),
    };
}

const timeField = (field: string) => optionalText(trimmed().max(64, `${field} must be an ISO 8601 date and time such as 2026-12-01T00:00:00Z`));

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

/** Lists the scheduling queue (free): what is waiting, what went out and what failed, in publishAt order. */
export const listScheduled = defineMode({
    title: 'List the scheduling queue',
    description: 'Shows the queued pins: waiting, published and failed, in publishing order (free).',
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
        const queue = await openAccountQueue(context, context.input);
        // Placing a wall-clock time in a zone needs the zone data, loaded only when a window was asked for.
        const { parsePublishAt } = await import('../schedule/time.js');
        const bound = (text: string | undefined) => (text ? (parsePublishAt(text, input.timeZone) as { epochMs: number }).epochMs : undefined);
        const from = bound(input.publishFrom);
        const to = bound(input.publishTo);
        const statuses = input.statusFilter && input.statusFilter.length > 0 ? new Set(input.statusFilter) : undefined;
        const matching = (await queue.entries()).filter(
            (entry) =>
                (!statuses || statuses.has(entry.status)) &&
                (from === undefined || entry.publishAt >= from) &&
                (to === undefined || entry.publishAt <= to),
        );
        const rows = matching.slice(0, input.maxItems).map(toScheduledPinItem);
        await output.pushRows(rows);
        const counts: Record<string, number> = {};
        for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
        const breakdown = Object.entries(counts)
            .map(([status, count]) => `${count} ${status}`)
            .join(', ');
        const more = matching.length > rows.length;
        return {
            summary: `Listed ${plural(rows.length, 'queued pin')}${breakdown ? ` (${breakdown})` : ''}${more ? `; ${matching.length - rows.length} more match: raise maxItems` : ''}.`,
            counts,
            hasMore: more,
        };
    },
});
