import { ActorError } from '../../common/errors.js';
import { plural } from '../../common/text.js';
import type { PinResultItem } from '../../output/items.js';
import { describeCounts, openPublishing, type PublishingKit } from '../../publish/batch.js';
import { Renewals } from '../../publish/claims.js';
import { contentOfDraft, type LedgerEntry, ledgerKey } from '../../publish/ledger.js';
import { failedOutcome, freeOutcome, jobRow, type PinJob, type PinOutcome } from '../../publish/rows.js';
import {
    dueAt,
    heldByOther,
    isDue,
    LEASE_MS,
    openAccountQueue,
    PinQueue,
    type QueueEntry,
    type QueueGlance,
    retryBackoffMs,
    type WaitingPointer,
} from '../../schedule/queue.js';
import { formatUtc } from '../../schedule/time-text.js';
import type { ModeContext, ModeResult } from '../types.js';
import type { PublishScheduledInput } from './input.js';

/** What settling a pin in the queue needs of its row. */
type SettledRow = Pick<PinResultItem, 'status' | 'id' | 'url' | 'error' | 'reason'>;

/** Due pins claimed at once: each batch finishes well within a lease, and renewals cover a slow one. */
const CLAIM_CHUNK = 25;

/** A save whose first pin still waits (or is being settled) looks again this long after that pin's time. */
const SAVE_WAIT_MS = 15 * 60_000;

/** Pinterest could not fetch the image: it often can a little later, so such a pin gets one more try after this. */
const IMAGE_FETCH_RETRY_MS = 60 * 60_000;

/**
 * publish-scheduled's run: publishes every queued pin whose time has come, oldest first, through the same
 * exactly-once path as create-pin. A run with nothing due reads one page of the queue's keys and stops: it never
 * opens the ledger or its own progress record, however long the queue's history.
 */
export async function publishDuePins(context: ModeContext<PublishScheduledInput>): Promise<ModeResult> {
    const { input, log } = context;
    const now = context.now();
    const queue = await openAccountQueue(context, input);
    const glance = await queue.glance();
    if (glance.pausedSince !== undefined) return pausedResult(queue, glance, now);
    const dueInGlance = glance.waiting.filter((pointer) => pointer.dueAt <= now);
    if (dueInGlance.length === 0) {
        const next = glance.waiting[0];
        const waiting = `${glance.waiting.length}${glance.moreWaiting ? ' or more' : ''} waiting`;
        return {
            summary: `No pins of ${queue.label} were due.${next ? ` Next one due ${formatUtc(next.dueAt)} (${waiting}).` : ` ${queue.label} has no more pins waiting.`}`,
            counts: {},
            details: { due: 0, waiting: glance.waiting.length, ...(next ? { nextDueAt: formatUtc(next.dueAt) } : {}) },
        };
    }

    const renewals = new Renewals(context.now, log);
    const kit = await openPublishing({ ...context, renewals }, { ...input, createMissingBoards: false, dryRun: false });
    const run = new DueRun(context, queue, kit, renewals);
    let chunk: QueueEntry[] = [];
    let pausedSince: number | undefined;
    for await (const entry of run.dueEntries(glance)) {
        chunk.push(entry);
        if (chunk.length >= CLAIM_CHUNK) {
            await run.publish(chunk);
            chunk = [];
            // A pause that came while this run worked holds the rest: one listing per chunk, none for an idle run.
            pausedSince = await queue.pausedSince();
            if (pausedSince !== undefined) break;
        }
    }
    if (pausedSince === undefined) await run.publish(chunk);
    else log.warning(`The queue of ${queue.label} was paused at ${formatUtc(pausedSince)} while this run was publishing: it left the rest waiting.`);
    await kit.delivery.finish();
    return run.result(await queue.upcoming(context.now()));
}

/** A paused queue: nothing goes out; the status says since when, and what waits. */
function pausedResult(queue: PinQueue, glance: QueueGlance, now: number): ModeResult {
    const due = glance.waiting.filter((pointer) => pointer.dueAt <= now).length;
    const more = glance.moreWaiting ? ' or more' : '';
    const since = formatUtc(glance.pausedSince!);
    const held = due > 0 ? `${plural(due, 'due pin')} held, ` : '';
    return {
        summary: `Publishing for ${queue.label} is paused since ${since}: nothing was published (${held}${glance.waiting.length}${more} waiting). Run resume-queue to go on.`,
        counts: {},
        details: { paused: true, pausedSince: formatUtc(glance.pausedSince!), due, waiting: glance.waiting.length },
    };
}

/** One publish-scheduled run's work on the due pins. */
class DueRun {
    private nextPosition: number;
    private attempted = 0;
    private firstFailure?: string;
    private elsewhere = 0;
    /** Rows an earlier process of this run stored: 0 unless the run was restarted. */
    private readonly storedBeforeStart: number;

    constructor(
        private readonly context: ModeContext<PublishScheduledInput>,
        private readonly queue: PinQueue,
        private readonly kit: PublishingKit,
        private readonly renewals: Renewals,
    ) {
        this.nextPosition = kit.delivery.storedThrough + 1;
        this.storedBeforeStart = kit.delivery.storedThrough;
    }

    /**
     * The due entries, in due order: the glance's page, then further pages only while they are due. Pins this run
     * had claimed before a restart come back with their positions; one whose row is already stored is settled.
     */
    async *dueEntries(glance: { waiting: WaitingPointer[]; moreWaiting: boolean }): AsyncGenerator<QueueEntry> {
        const now = this.context.now();
        const pointers = async function* (queue: PinQueue) {
            yield* glance.waiting;
            if (glance.moreWaiting) yield* queue.waitingPointers(glance.waiting.at(-1)?.key);
        };
        for await (const pointer of pointers(this.queue)) {
            if (pointer.dueAt > now) return;
            const entry = await this.queue.entryAt(pointer.key);
            if (!entry) continue;
            const lease = entry.lease;
            if (lease?.runId === this.context.runId) {
                this.nextPosition = Math.max(this.nextPosition, lease.position + 1);
                if (lease.position <= this.kit.delivery.storedThrough) await this.settleStored(entry);
                else yield entry;
            } else if (heldByOther(entry, this.context.runId, now)) this.elsewhere += 1;
            else if (isDue(entry, now)) {
                if (this.leftBeforeRestart(entry)) continue;
                if (await this.storedBeforeRestart(entry)) await this.settleStored(entry);
                else yield entry;
            }
        }
    }

    /**
     * After a restart: whether this run published the pin and stored its row, though the queue no longer says it
     * leased it. Two runs may lease a pin at once; the one left without the ledger's claim puts the entry back as
     * it was, and should this run die between storing the row and settling the entry, only the ledger knows.
     */
    /** After a restart: a pin an earlier process of this run left to others, with a row saying so. Later runs take it. */
    private leftBeforeRestart(entry: QueueEntry): boolean {
        return entry.leftBy?.runId === this.context.runId && entry.leftBy.position <= this.storedBeforeStart;
    }

    private async storedBeforeRestart(entry: QueueEntry): Promise<boolean> {
        // A process walks the waiting keys once, forward: a pin it stored itself does not come by again.
        if (this.storedBeforeStart === 0) return false;
        const ledger = await this.ledgerEntryOf(entry);
        return ledger?.status === 'created' && ledger.runId === this.context.runId && (ledger.position ?? Infinity) <= this.storedBeforeStart;
    }

    /** Claims the entries (a lease each), publishes them, and settles each in the queue once its row is stored. */
    async publish(entries: QueueEntry[]): Promise<void> {
        const { runId } = this.context;
        const now = this.context.now();
        const jobs: PinJob[] = [];
        const claimed = new Map<PinJob, QueueEntry>();
        const fails: Array<{ job: PinJob; entry: QueueEntry; first: { kind: 'failed'; message: string } | { kind: 'wait' } }> = [];
        for (const entry of entries) {
            // A save needs the first board's pin: looked up before the claim, so that a save that must wait takes no
            // row (unless this run had claimed it before a restart: its row's place is taken, and it says why).
            const first = entry.save ? await this.firstPinOf(entry, now) : undefined;
            if (first?.kind === 'wait' && entry.lease?.runId !== runId) {
                await this.queue.update(entry.scheduleId, (current) =>
                    isDue(current, now) && !heldByOther(current, runId, now)
                        ? { ...current, status: 'scheduled', lease: undefined, nextAttemptAt: first.until }
                        : undefined,
                );
                continue;
            }
            const mine = entry.lease?.runId === runId ? entry : await this.claim(entry, now);
            if (!mine?.lease) {
                this.elsewhere += 1;
                continue;
            }
            this.renewals.hold(`queue entry ${mine.scheduleId}`, () => this.renewLease(mine.scheduleId));
            const job = this.jobOf(mine, now);
            if (first?.kind === 'failed' || first?.kind === 'wait') {
                fails.push({ job, entry: mine, first });
                continue;
            }
            if (first?.kind === 'pin') job.saveOf = first.pinId;
            claimed.set(job, mine);
            jobs.push(job);
        }
        for (const { job, entry, first } of fails) {
            const outcome =
                first.kind === 'failed'
                    ? failedOutcome(jobRow(job), { message: first.message })
                    : freeOutcome(jobRow(job), 'not-attempted', { reason: 'The pin it saves is not published yet: a later run saves it.' });
            await this.outcomeOf(job, entry, outcome, first.kind === 'failed');
        }
        jobs.sort((a, b) => a.position - b.position);
        const late = jobs.filter((job) => (job.lateByMinutes ?? 0) >= 60);
        if (late.length > 0)
            this.context.log.warning(`${plural(late.length, 'due pin')} more than an hour late (was the schedule paused?): publishing them now.`);
        await this.kit.publisher.publishAll(jobs, (job, outcome) => this.outcomeOf(job, claimed.get(job)!, outcome));
    }

    /** A pin's outcome: decided, stored as its row, then settled in the queue. `final`: no later run can do better. */
    private async outcomeOf(job: PinJob, entry: QueueEntry, outcome: PinOutcome, final = false): Promise<void> {
        this.attempted += 1;
        const settled = final ? { outcome, retryIn: undefined } : this.decide(entry, outcome);
        if (final) this.firstFailure ??= outcome.row.error?.message;
        await this.kit.delivery.add(job.position, settled.outcome, async () => {
            await this.settle(job.scheduleId!, settled.outcome.row, settled.retryIn);
            this.renewals.release(`queue entry ${job.scheduleId}`);
        });
    }

    /**
     * The Pinterest id of the pin a save copies (the first board's pin of `boards`), from the ledger; or, while
     * that pin still waits or its outcome is open, a time to look again; or why there will never be one.
     */
    private async firstPinOf(
        entry: QueueEntry,
        now: number,
    ): Promise<{ kind: 'pin'; pinId: string } | { kind: 'wait'; until: number } | { kind: 'failed'; message: string }> {
        const { ofLedgerKey, ofBoardId } = entry.save!;
        const recorded = await this.kit.ledger.entry(ofLedgerKey).read();
        if (recorded?.status === 'created' && recorded.pinId) return { kind: 'pin', pinId: recorded.pinId };
        const none = (why: string) => ({
            kind: 'failed' as const,
            message: `The pin for board ${ofBoardId} ${why}, so it was not saved to board ${entry.draft.boardId}.`,
        });
        if (recorded?.status === 'deleted') return none(`was deleted (pin ${recorded.pinId})`);
        let first = await this.queue.get(PinQueue.scheduleIdFor(ofLedgerKey));
        // The first pin was changed with update-scheduled (a new identity): the save follows it.
        for (let hops = 0; first?.movedTo !== undefined && hops < 10; hops += 1) first = await this.queue.get(first.movedTo);
        if (first?.status === 'cancelled') return none(`was cancelled (schedule ${first.scheduleId})`);
        if (first?.status === 'failed') return none(`failed (${first.lastError ?? 'see its row'})`);
        if (first?.status === 'published' && first.pinId) return { kind: 'pin', pinId: first.pinId };
        if (first || (recorded && recorded.status !== 'failed'))
            return { kind: 'wait', until: Math.max(first ? dueAt(first) : now, now) + SAVE_WAIT_MS };
        if (recorded?.status === 'failed') return none(`failed (${recorded.error ?? 'see its row'})`);
        return none('is neither in the ledger nor in the queue');
    }

    /**
     * What becomes of the pin in the queue, decided before its row is stored so that the row and list-scheduled
     * agree: a failed pin that will be tried again says so (`will-retry`, with when), one that failed for good is
     * `failed`.
     */
    private decide(entry: QueueEntry, outcome: PinOutcome): { outcome: PinOutcome; retryIn?: number } {
        const { row } = outcome;
        if (row.status !== 'failed' && row.status !== 'unconfirmed') return { outcome };
        const attempts = entry.attempts + 1;
        const retryIn = retryDelay(row, attempts, this.context.input.maxAttempts);
        if (row.status === 'failed') this.firstFailure ??= row.error?.message;
        if (row.status === 'unconfirmed' || retryIn === undefined) return { outcome, retryIn };
        const at = formatUtc(this.context.now() + retryIn);
        const reason = `Attempt ${attempts} of ${this.context.input.maxAttempts} failed; a publish-scheduled run after ${at} tries again.`;
        return { outcome: { ...outcome, row: { ...row, status: 'will-retry', reason } }, retryIn };
    }

    /**
     * A lease on an entry just read from the queue. Two runs leasing one pin at the same moment both go on to the
     * ledger, whose claim lets one of them send it; the queue only says who is working on it.
     */
    private async claim(entry: QueueEntry, now: number): Promise<QueueEntry | undefined> {
        const { runId } = this.context;
        if (!isDue(entry, now) || heldByOther(entry, runId, now)) return undefined;
        const claimed: QueueEntry = { ...entry, status: 'publishing', lease: { runId, expiresAt: now + LEASE_MS, position: this.nextPosition } };
        await this.queue.put(claimed, entry);
        this.nextPosition += 1;
        return { ...claimed, revision: entry.revision + 1 };
    }

    private async renewLease(scheduleId: string): Promise<void> {
        const { runId } = this.context;
        await this.queue.update(scheduleId, (current) =>
            current.status === 'publishing' && current.lease?.runId === runId
                ? { ...current, lease: { ...current.lease, expiresAt: this.context.now() + LEASE_MS } }
                : undefined,
        );
    }

    private jobOf(entry: QueueEntry, now: number): PinJob {
        return {
            position: entry.lease!.position,
            source: 'queue',
            draft: entry.draft,
            scheduleId: entry.scheduleId,
            publishAt: formatUtc(entry.publishAt),
            ledgerSuffix: entry.ledgerSuffix,
            lateByMinutes: Math.max(0, Math.round((now - entry.publishAt) / 60_000)),
            // Right before the POST: a pin cancelled or moved meanwhile is not sent. Which run sends it is the ledger
            // claim's to say (checked next), so a lease another run wrote over this one's does not stop it.
            recheck: async () => {
                const current = await this.queue.get(entry.scheduleId);
                if (!current || current.status === 'cancelled') return 'it was cancelled while this run was publishing';
                if (current.status === 'published') return 'another run published it meanwhile';
                if (current.publishAt !== entry.publishAt) return 'it was moved to another time meanwhile';
                return undefined;
            },
        };
    }

    /**
     * Records a pin's outcome in its queue entry, from what is stored now: a published pin is always recorded as
     * such; anything else only while this run still holds the pin.
     */
    private async settle(scheduleId: string, row: SettledRow, retryIn?: number): Promise<void> {
        const { runId } = this.context;
        const now = this.context.now();
        await this.queue.update(scheduleId, (current) => {
            if (row.status === 'created' || (row.status === 'skipped-duplicate' && row.id)) {
                return {
                    ...current,
                    status: 'published',
                    lease: undefined,
                    pinId: row.id ?? undefined,
                    pinUrl: row.url ?? undefined,
                    publishedAt: current.publishedAt ?? now,
                    finishedAt: now,
                    lastError: undefined,
                    nextAttemptAt: undefined,
                };
            }
            if (current.lease?.runId !== runId || current.status !== 'publishing') return undefined;
            if (row.status === 'failed' || row.status === 'unconfirmed' || row.status === 'will-retry') {
                const attempts = current.attempts + 1;
                const lastError = row.error?.message ?? row.reason ?? row.status;
                return {
                    ...current,
                    lease: undefined,
                    attempts,
                    lastError,
                    status: retryIn === undefined ? 'failed' : 'scheduled',
                    nextAttemptAt: retryIn === undefined ? undefined : now + retryIn,
                    finishedAt: retryIn === undefined ? now : undefined,
                };
            }
            // Not attempted (budget, a stopped batch, another run holding it): back in the queue as it was.
            return { ...current, status: 'scheduled', lease: undefined, leftBy: { runId, position: current.lease.position } };
        });
    }

    /** A row stored before a restart whose entry was not settled yet: its outcome is in the ledger. */
    private async settleStored(entry: QueueEntry): Promise<void> {
        const ledger = await this.ledgerEntryOf(entry);
        const status = ledger?.status === 'created' ? 'created' : 'not-attempted';
        await this.settle(entry.scheduleId, { id: ledger?.pinId ?? null, url: ledger?.pinUrl ?? null, status, error: null, reason: null });
    }

    private async ledgerEntryOf(entry: QueueEntry): Promise<LedgerEntry | undefined> {
        const boardId = entry.draft.boardId ?? '';
        return this.kit.ledger.entry(ledgerKey(contentOfDraft(entry.draft, boardId, this.context.input.environment), entry.ledgerSuffix)).read();
    }

    result(upcoming: { nextDueAt?: number; waiting: number; dueElsewhere: number }): ModeResult {
        const counts = this.kit.delivery.counts;
        const out = (counts.created ?? 0) + (counts['skipped-duplicate'] ?? 0);
        const tried = Object.values(counts).reduce((sum, count) => sum + count, 0);
        const elsewhere = Math.max(this.elsewhere, upcoming.dueElsewhere);
        const who = this.queue.label;
        const next =
            upcoming.nextDueAt !== undefined
                ? ` Next pin of ${who} due ${formatUtc(upcoming.nextDueAt)} (${upcoming.waiting} waiting).`
                : ` ${who} has no more pins waiting.`;
        const others = elsewhere > 0 ? ` ${plural(elsewhere, 'due pin')} ${elsewhere === 1 ? 'is' : 'are'} being published by another run.` : '';
        const done = tried === 0 ? `No pins of ${who} were due.` : describeCounts(counts);
        const summary = `${done}${others}${next}`;
        // Every pin this run tried failed: the run fails, so that the platform's failure notifications fire.
        const failures = (counts.failed ?? 0) + (counts['will-retry'] ?? 0);
        if (tried > 0 && out === 0 && failures > 0 && failures === tried - (counts['not-attempted'] ?? 0)) {
            throw new ActorError(`${summary} ${this.firstFailure ?? 'See each row\u2019s error.'}`);
        }
        return {
            summary,
            counts,
            details: {
                due: this.attempted,
                waiting: upcoming.waiting,
                ...(upcoming.nextDueAt !== undefined ? { nextDueAt: formatUtc(upcoming.nextDueAt) } : {}),
            },
        };
    }
}

/**
 * When a failed pin is tried again, or undefined when it has failed for good: Pinterest refusing the pin itself (a
 * bad request, a board that is gone) fails at once, since trying again changes nothing; an image Pinterest could
 * not fetch gets one more try later; the rest back off until maxAttempts.
 */
function retryDelay(row: PinResultItem, attempts: number, maxAttempts: number): number | undefined {
    if (attempts >= maxAttempts) return undefined;
    const status = row.error?.httpStatus ?? null;
    if (status !== null && status >= 400 && status < 500 && status !== 429) {
        const imageFetch = row.error?.pinterestCode === 1 && /fetch/i.test(row.error.message);
        return imageFetch && attempts === 1 ? IMAGE_FETCH_RETRY_MS : undefined;
    }
    return retryBackoffMs(attempts);
}
