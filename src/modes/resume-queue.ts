import type { z } from 'zod';

import { blankToUndefined, flag, modeInputSchema } from '../input/fields.js';
import { UserInputError } from '../input/parse.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { checkSpacing, spacingField } from '../schedule/spacing-options.js';
import { dueAt, openAccountQueue, type PinQueue, type QueueEntry } from '../schedule/queue.js';
import { DEFAULT_TIME_ZONE, formatUtc, timeZoneProblem } from '../schedule/time-text.js';
import { toScheduledPinItem } from './list-scheduled.js';
import { SHARED_FIELDS } from './input.js';
import { defineMode, type ModeContext } from './types.js';
import { plural } from '../common/text.js';

const input = modeInputSchema('resume-queue', {
    queueStoreName: SHARED_FIELDS.queueStoreName,
    ledgerStoreName: SHARED_FIELDS.ledgerStoreName,
    rescheduleMissed: flag('rescheduleMissed'),
    spacing: spacingField,
    timeZone: SHARED_FIELDS.timeZone,
});
type ResumeQueueInput = z.infer<typeof input>;

/** A pin resume-queue may move: waiting, and not in the hands of a running publish. */
const movable = (entry: QueueEntry, now: number) =>
    entry.status === 'scheduled' || (entry.status === 'publishing' && (entry.lease?.expiresAt ?? 0) <= now);

/**
 * Lifts pause-queue (free). The pins that fell due meanwhile go out with the next publish-scheduled run in due
 * order (its rows say how late each is), or with rescheduleMissed move to the next free times of the spacing
 * given (the account's rhythm: timeSlots or intervalMinutes, with its maxPerDay and minDaysBetweenSameLink).
 */
export const resumeQueue = defineMode({
    title: 'Resume the scheduling queue',
    description: 'Resumes publishing after pause-queue (free): the pins that fell due go out next, or move to the next free slots.',
    input,
    operations: [OPERATIONS.getUserAccount],

    inputProblems(raw) {
        const problems: string[] = [];
        const zone = typeof raw.timeZone === 'string' && raw.timeZone.trim() ? raw.timeZone.trim() : DEFAULT_TIME_ZONE;
        const zoneProblem = timeZoneProblem(zone);
        if (zoneProblem) problems.push(zoneProblem);
        const spacing = checkSpacing(raw.spacing, zone);
        if (!spacing.ok) return [...problems, ...spacing.problems];
        const rhythm = spacing.spacing.timeSlots?.length || spacing.spacing.intervalMinutes;
        if (raw.rescheduleMissed === true && !rhythm) {
            problems.push('rescheduleMissed needs spacing with timeSlots or intervalMinutes (the account’s rhythm) to find the next free slots');
        }
        if (raw.rescheduleMissed !== true && blankToUndefined(raw.spacing) !== undefined) {
            problems.push('spacing is read only with rescheduleMissed set to true: add it, or leave spacing out');
        }
        return problems;
    },

    async run(context) {
        const { input, output } = context;
        const queue = await openAccountQueue(context, input);
        const since = await queue.pausedSince();
        const now = context.now();
        const missed: QueueEntry[] = [];
        const later: QueueEntry[] = [];
        // The waiting index is in due order: what is due now fell due during the pause (or before it, unpublished).
        for await (const pointer of queue.waitingPointers()) {
            if (pointer.dueAt > now && !input.rescheduleMissed) break;
            const entry = await queue.entryAt(pointer.key);
            if (entry) (dueAt(entry) <= now ? missed : later).push(entry);
        }
        // Moved before the pause is lifted, so that no publish-scheduled run in between takes them at their old times.
        const moved = input.rescheduleMissed ? await reschedule(context, queue, missed, later) : [];
        await queue.resume();
        const rows = input.rescheduleMissed ? moved : missed;
        await output.pushRows(rows.map((entry) => toScheduledPinItem(entry, input.timeZone)));

        const pause =
            since === undefined ? `${queue.label} was not paused` : `Resumed publishing for ${queue.label} (paused since ${formatUtc(since)})`;
        const what =
            missed.length === 0
                ? 'no pins fell due meanwhile'
                : input.rescheduleMissed
                  ? `moved ${plural(moved.length, 'pin')} that fell due to the next free slots${moved[0] ? `, the first at ${formatUtc(moved[0].publishAt)}` : ''}${moved.length < missed.length ? ` (${missed.length - moved.length} being published right now, left as they are)` : ''}`
                  : `${plural(missed.length, 'pin')} fell due meanwhile and ${missed.length === 1 ? 'goes' : 'go'} out with the next publish-scheduled run, in due order`;
        return {
            summary: `${pause}: ${what}.`,
            counts: { due: missed.length, moved: moved.length },
            details: { wasPaused: since !== undefined, ...(since !== undefined ? { pausedSince: formatUtc(since) } : {}) },
        };
    },
});

/** The missed pins at the next free times of the spacing, counting what else waits and what the ledger says went out. */
async function reschedule(context: ModeContext<ResumeQueueInput>, queue: PinQueue, missed: QueueEntry[], later: QueueEntry[]) {
    const { input } = context;
    if (missed.length === 0) return [];
    const { assignPublishTimes, parseSpacing } = await import('../schedule/spacing.js');
    const parsed = parseSpacing(input.spacing, input.timeZone);
    if (!parsed.ok) throw new UserInputError(parsed.problems);
    const now = context.now();
    const existing = later.map((entry) => ({ publishAt: entry.publishAt, slotAt: entry.slotAt, link: entry.draft.linkUrl }));
    if (parsed.options.minDaysBetweenSameLink) {
        const { PinLedger } = await import('../publish/ledger.js');
        const ledger = new PinLedger(await context.storage.openNamedStore(input.ledgerStoreName));
        for (const link of new Set(missed.map((entry) => entry.draft.linkUrl).filter((link): link is string => Boolean(link)))) {
            for (const publishedAt of await ledger.linkPublishTimes(link)) existing.push({ publishAt: publishedAt, slotAt: undefined, link });
        }
    }
    const times = assignPublishTimes(
        missed.map((entry) => ({ link: entry.draft.linkUrl })),
        { ...parsed.options, timeZone: input.timeZone, now, existing },
    );
    const moved: QueueEntry[] = [];
    for (const [index, entry] of missed.entries()) {
        const time = times[index];
        if (time?.publishAt === undefined) continue;
        // From what is stored now: a pin a publishing run took meanwhile is left to it.
        const next = await queue.update(entry.scheduleId, (current) =>
            movable(current, context.now())
                ? { ...current, status: 'scheduled', publishAt: time.publishAt!, slotAt: time.slotAt, nextAttemptAt: undefined, lease: undefined }
                : undefined,
        );
        if (next) moved.push(next);
    }
    return moved;
}
