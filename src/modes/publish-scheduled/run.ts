import type { PublishScheduledInput } from './input.js';
import type { ModeContext, ModeResult } from '../types.js';
import { describeCounts, openPublishing, type PinJob, type PinOutcome } from '../../publish/batch.js';
import { isDue, openAccountQueue, PinQueue, type QueueEntry, retryBackoffMs } from '../../schedule/queue.js';
import { formatUtc } from '../../schedule/time-text.js';

/**
 * publish-scheduled's run: publishes every queued pin whose time has come, oldest first, through the same
 * exactly-once path as create-pin. Each run claims the due pins with a lease, so a run that starts while the
 * previous one is still going leaves that run's pins alone.
 */
export async function publishDuePins(context: ModeContext<PublishScheduledInput>): Promise<ModeResult> {
    const { input, runId, log } = context;
    const queue = await openAccountQueue(context, context.input);
    const kit = await openPublishing(context, { ...input, createMissingBoards: false, dryRun: false, environment: input.environment });
    const now = context.now();
    const entries = await queue.entries();

    // After a restart of this run, the pins it had claimed are still its own, at the positions they had.
    const resumed = entries.filter((entry) => entry.lease?.runId === runId && entry.lease.position > kit.delivery.storedThrough);
    const firstPosition =
        Math.max(kit.delivery.storedThrough, ...entries.map((entry) => (entry.lease?.runId === runId ? entry.lease.position : 0))) + 1;
    const due = entries.filter((entry) => isDue(entry, now) && entry.lease?.runId !== runId);
    const claimed = [...resumed, ...(await queue.claim(due, runId, now, firstPosition))];
    if (due.length > 0 && claimed.length < due.length + resumed.length)
        log.info(`${due.length + resumed.length - claimed.length} due pins are being published by another run; left to it.`);

    const byPosition = new Map(claimed.map((entry) => [entry.lease!.position, entry]));
    const jobs: PinJob[] = claimed.map((entry) => ({
        position: entry.lease!.position,
        source: 'queue',
        draft: entry.draft,
        scheduleId: entry.scheduleId,
        publishAt: formatUtc(entry.publishAt),
        ledgerSuffix: entry.ledgerSuffix,
        lateByMinutes: Math.max(0, Math.round((now - entry.publishAt) / 60_000)),
    }));
    const late = jobs.filter((job) => (job.lateByMinutes ?? 0) >= 60);
    if (late.length > 0) log.warning(`${late.length} due pins are more than an hour late (was the schedule paused?): publishing them now.`);

    await kit.publisher.publishAll(jobs, async (job, outcome) => {
        await settle(queue, byPosition.get(job.position)!, outcome, input, context.now());
        await kit.delivery.add(job.position, outcome);
    });
    await kit.delivery.finish();

    const after = (await queue.entries()).filter((entry) => entry.status === 'scheduled' || entry.status === 'publishing');
    const nextDue = after.length > 0 ? Math.min(...after.map((entry) => Math.max(entry.publishAt, entry.nextAttemptAt ?? 0))) : undefined;
    const counts = kit.delivery.counts;
    const done = jobs.length === 0 ? 'No scheduled pins were due.' : describeCounts(counts);
    const next = nextDue !== undefined ? ` Next pin due ${formatUtc(nextDue)} (${after.length} waiting).` : ' The queue has no more pins waiting.';
    return {
        summary: `${done}${next}`,
        counts,
        details: { due: jobs.length, waiting: after.length, ...(nextDue !== undefined ? { nextDueAt: formatUtc(nextDue) } : {}) },
    };
}

/** Records a pin's outcome in its queue entry and lets go of the lease. */
async function settle(queue: PinQueue, entry: QueueEntry, { row }: PinOutcome, input: PublishScheduledInput, now: number): Promise<void> {
    const record = queue.record(entry.scheduleId);
    // The lease ends now but keeps its run and position: a restart of this run before the row is stored finds the
    // pin among its own and stores its row, instead of leaving a gap in the rows.
    const base: QueueEntry = { ...entry, lease: entry.lease && { ...entry.lease, expiresAt: Math.min(entry.lease.expiresAt, now) } };
    if (row.status === 'created' || (row.status === 'skipped-duplicate' && row.id)) {
        await record.write({
            ...base,
            status: 'published',
            pinId: row.id ?? undefined,
            pinUrl: row.url ?? undefined,
            publishedAt: now,
            lastError: undefined,
            nextAttemptAt: undefined,
        });
        return;
    }
    if (row.status === 'failed' || row.status === 'unconfirmed') {
        const attempts = entry.attempts + 1;
        const lastError = row.error?.message ?? row.reason ?? row.status;
        const givingUp = attempts >= input.maxAttempts;
        await record.write({
            ...base,
            attempts,
            lastError,
            status: givingUp ? 'failed' : 'scheduled',
            nextAttemptAt: givingUp ? undefined : now + retryBackoffMs(attempts),
        });
        return;
    }
    // Not attempted (budget, a stopped batch): back in the queue as it was.
    await record.write({ ...base, status: 'scheduled' });
}
