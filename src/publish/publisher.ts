import { randomUUID } from 'node:crypto';

import type { Log } from '../common/log.js';
import type { PinError, PinResultItem } from '../output/items.js';
import { createdPinFields } from '../output/items.js';
import { EVENTS, type RunOutput } from '../output/run-output.js';
import type { PinterestClient } from '../pinterest/client.js';
import { PinterestError } from '../pinterest/errors.js';
import type { Pin } from '../pinterest/schemas.js';
import type { BoardDirectory } from './boards.js';
import { type Claimant, CLAIM_TTL_MS, claimPin, releaseClaim, renewClaim, Renewals, stillClaimed } from './claims.js';
import { sourcePrefix, toPinCreate } from './draft.js';
import { contentOfDraft, entryContent, type LedgerEntry, ledgerKey, type LedgerRecord, type PinContent, type PinLedger } from './ledger.js';
import { reconcilePin } from './reconcile.js';
import { failedOutcome, freeOutcome, jobRow, type PinJob, type PinOutcome } from './rows.js';
import { SendOrder } from './send-order.js';

export type { PinJob, PinOutcome } from './rows.js';

export interface PublishOptions {
    /** The calls publishing makes: the POST, and the board listing that reconciliation reads. */
    client: Pick<PinterestClient, 'createPin' | 'savePin' | 'listBoardPins'>;
    ledger: PinLedger;
    boards: BoardDirectory;
    output: RunOutput;
    log: Log;
    environment: string;
    runId: string;
    dryRun: boolean;
    /** How long to look for a pin whose POST went unanswered before calling it unconfirmed. */
    reconcileWaitMs?: number;
    /** Uploads a video and returns its media id (loaded only when a batch has videos). */
    uploadVideo: (videoUrl: string) => Promise<string>;
    sleep?: (ms: number) => Promise<void>;
    /** The run's clock: ledger times, claims and reconciliation use it, so tests can move time. */
    now: () => number;
    /** Pins in flight at once; the transport's pacer keeps writes within the rate limit whatever this is. */
    concurrency?: number;
    /** Keeps this run's claims alive while it works; shared with the queue's leases. */
    renewals?: Renewals;
    /** Tells this process's claims from any other's; new in every process. */
    nonce?: string;
    /** The account the pins go to (asked for once, when the first pin is confirmed), for the index of published pins. */
    accountKey?: () => Promise<string>;
}

/**
 * Pins prepared at once (board, claim, video upload). The pacer, not this number, sets the pace of the writes:
 * it only has to be large enough that a write is always ready when its turn comes.
 */
const DEFAULT_CONCURRENCY = 8;

/** Kinds of failure after which no further pin can succeed in this run: stop the batch. */
const BATCH_STOPPERS = new Set([
    'spam-blocked',
    'invalid-token',
    'missing-scope',
    'trial-production',
    'refresh-rejected',
    'app-credentials-rejected',
    'ad-account-refused',
]);

/** Why the rest of a batch was not attempted, once something stopped it. */
class BatchStop {
    constructor(
        readonly reason: string,
        readonly error?: PinterestError,
    ) {}
}

const HELD_ELSEWHERE = 'Another run is publishing this pin right now, so this run left it to that run (it is not charged here).';

/** The first pin of a ledger key in this run: its outcome while pending, then its position (and id and address, if any). */
type FirstOfKey = number | FirstPin | Promise<FirstPin>;
interface FirstPin {
    position: number;
    id: string | null;
    url: string | null;
}

/** A dry run that has checked this many pins one ledger read each lists the ledger's keys instead, when they are few. */
const DRY_RUN_LISTING_AFTER = 50;
const DRY_RUN_LISTED_KEYS = 10_000;

/**
 * Publishes pins exactly once. Each pin is claimed in the ledger before it waits for anything (claims.ts), the
 * claim is checked again right before the request leaves, and the ledger records the attempt before and its
 * outcome after, so that no retry, restart or overlapping run posts it twice. A POST whose answer was lost is
 * reconciled with the board instead of being repeated blindly. The budget for a pin is held from before its
 * request until its row is charged.
 */
export class PinPublisher {
    /**
     * Pins of this run by ledger key: the same pin twice in one input is published once. Kept small, as a CSV of any
     * length passes through here: once a pin's outcome is known only its position stays, and the id and address of
     * a pin that has them.
     */
    private readonly byKey = new Map<string, FirstOfKey>();
    /** Dry runs: pins checked so far, and the ledger's keys once listed (undefined when too many to keep). */
    private checked = 0;
    private ledgerKeys?: Promise<Set<string> | undefined>;
    stop?: BatchStop;
    private sendOrder = new SendOrder<PinJob>([]);
    private readonly claimant: Claimant;
    readonly renewals: Renewals;

    constructor(private readonly options: PublishOptions) {
        const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
        this.claimant = { runId: options.runId, nonce: options.nonce ?? randomUUID(), now: options.now, sleep };
        this.renewals = options.renewals ?? new Renewals(options.now, options.log);
    }

    /**
     * Runs every job, `concurrency` at a time, and hands each outcome to `onOutcome` as soon as it is known
     * (callers put them back in input order).
     */
    async publishAll(jobs: PinJob[], onOutcome: (job: PinJob, outcome: PinOutcome) => Promise<void>): Promise<void> {
        this.sendOrder = new SendOrder(jobs);
        let next = 0;
        const worker = async () => {
            while (next < jobs.length) {
                const job = jobs[next++]!;
                try {
                    const outcome = await this.publish(job).finally(() => this.sendOrder.done(job));
                    await onOutcome(job, outcome);
                } catch (error) {
                    // Storage failed under us: start no further pin; the ledger already holds what was posted.
                    this.stop ??= new BatchStop(`Not attempted: the run stopped on an error (${messageOf(error)}).`);
                    throw error;
                }
            }
        };
        const workers = Math.max(1, Math.min(this.options.concurrency ?? DEFAULT_CONCURRENCY, jobs.length));
        const results = await Promise.allSettled(Array.from({ length: workers }, worker));
        const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
        if (failure) throw failure.reason;
    }

    async publish(job: PinJob): Promise<PinOutcome> {
        const base = jobRow(job);
        if (this.stop) return freeOutcome(base, 'not-attempted', { reason: this.stop.reason });
        if (this.options.dryRun) return this.publishWithin(job, base);
        // The budget is held first, in input order, and until the row is charged: a pin must never exist on
        // Pinterest without being paid for and reported, and the first pins of a batch are the ones the budget pays.
        const release = this.options.output.reserve(EVENTS.pinCreated);
        if (!release) {
            return freeOutcome(base, 'not-attempted', {
                reason: 'The maximum charge you set for this run cannot pay for one more pin-created event, so this pin was not created: raise it and run again.',
            });
        }
        const outcome = await this.publishWithin(job, base).catch((error: unknown) => {
            release();
            throw error;
        });
        if (outcome.charged) return { ...outcome, release };
        release();
        return outcome;
    }

    private async publishWithin(job: PinJob, base: PinResultItem): Promise<PinOutcome> {
        let boardId = job.draft.boardId;
        if (!boardId) {
            const lookup = await this.options.boards
                .resolve(job.draft.boardName ?? '')
                .catch((error: unknown) => ({ ok: false as const, problem: messageOf(error) }));
            if (!lookup.ok) return failedOutcome(base, { message: `${sourcePrefix(job.source)}${lookup.problem}.` });
            boardId = lookup.boardId;
        }
        if (job.draft.boardSectionName) {
            const section = await this.options.boards
                .resolveSection(boardId, job.draft.boardSectionName)
                .catch((error: unknown) => ({ ok: false as const, problem: messageOf(error) }));
            if (!section.ok) return failedOutcome(base, { message: `${sourcePrefix(job.source)}${section.problem}.` });
            // The job itself takes the id: the send order knows it by identity.
            job.draft = { ...job.draft, boardSectionId: section.sectionId, boardSectionName: undefined };
        }
        const row = { ...base, boardId };
        const content = contentOfDraft(job.draft, boardId, this.options.environment);
        // allowDuplicates: the entry still guards this one input row against restarts, but not against other runs.
        const key = ledgerKey(content, job.ledgerSuffix);
        const earlier = this.byKey.get(key);
        if (earlier !== undefined) {
            const first = typeof earlier === 'number' ? { position: earlier, id: null, url: null } : await earlier;
            return freeOutcome(row, 'skipped-duplicate', {
                id: first.id,
                url: first.url,
                reason: `The same pin is at position ${first.position} of this batch, so it was published at most once.`,
            });
        }
        const outcome = this.options.dryRun ? this.check(row, key) : this.publishOnce(job, row, content, key);
        const { position } = job;
        const first = outcome.then(
            ({ row: { id, url } }) => ({ position, id, url }),
            () => ({ position, id: null, url: null }),
        );
        this.byKey.set(key, first);
        void first.then((known) => this.byKey.set(key, known.id === null && known.url === null ? position : known));
        return outcome;
    }

    /** A dry run: what a real run would do with the pin, from the ledger alone. */
    private async check(row: PinResultItem, key: string): Promise<PinOutcome> {
        // A large dry run (a big CSV) reads the ledger's keys once rather than an entry per pin, when they are few.
        this.checked += 1;
        if (this.checked === DRY_RUN_LISTING_AFTER) this.ledgerKeys = this.options.ledger.pinKeysUpTo(DRY_RUN_LISTED_KEYS);
        const known = await this.ledgerKeys;
        if (known && !known.has(key)) return freeOutcome(row, 'would-create', { reason: 'Checked and ready to publish.' });
        const entry = await this.options.ledger.entry(key).read();
        if (entry?.status === 'created') return this.duplicate(row, entry);
        const unfinished = entry?.status === 'claimed' ? entry.unsettled : entry?.status === 'deleted' ? undefined : entry?.status;
        const note = unfinished ? ` The ledger holds an unfinished attempt (${unfinished}); a real run first checks the board for it.` : '';
        return freeOutcome(row, 'would-create', { reason: `Checked and ready to publish.${note}` });
    }

    private duplicate(row: PinResultItem, entry: LedgerEntry): PinOutcome {
        const when = entry.createdAt ? ` on ${new Date(entry.createdAt).toISOString().slice(0, 10)}` : '';
        return freeOutcome(row, 'skipped-duplicate', {
            id: entry.pinId ?? null,
            url: entry.pinUrl ?? null,
            reason: `The same pin was already published${when} (pin ${entry.pinId}): it was not posted again. Set allowDuplicates to true to post it anyway.`,
        });
    }

    private async publishOnce(job: PinJob, row: PinResultItem, content: PinContent, key: string): Promise<PinOutcome> {
        const record = this.options.ledger.entry(key);
        const claim = await claimPin(record, () => this.freshEntry(content, job), this.claimant);
        if (claim.kind === 'created') {
            const { entry } = claim;
            // This very row of this very run created it before a restart: it is this run's result, stored and charged once.
            if (entry.runId === this.options.runId && entry.position === job.position) {
                return { row: { ...row, id: entry.pinId ?? null, url: entry.pinUrl ?? null, status: 'created' }, charged: true };
            }
            return this.duplicate(row, entry);
        }
        if (claim.kind === 'held') return freeOutcome(row, 'not-attempted', { reason: HELD_ELSEWHERE });

        this.renewals.hold(key, () => renewClaim(record, this.claimant));
        try {
            const previous = claim.previous;
            if (previous && (previous.status === 'sending' || previous.status === 'unconfirmed')) {
                const settled = await this.reconcile(previous, row, record, key);
                if (settled) return settled;
            }
            return await this.post(job, row, content, record, key, previous);
        } finally {
            this.renewals.release(key);
        }
    }

    private freshEntry(content: PinContent, job: PinJob): LedgerEntry {
        return {
            version: 1,
            ...entryContent(content),
            status: 'claimed',
            runId: this.options.runId,
            position: job.position,
            scheduleId: job.scheduleId,
            attempts: 0,
            attemptStartedAt: this.options.now(),
        };
    }

    private async post(
        job: PinJob,
        row: PinResultItem,
        content: PinContent,
        record: LedgerRecord,
        key: string,
        previous: LedgerEntry | undefined,
    ): Promise<PinOutcome> {
        let videoId: string | undefined;
        // A save sends the existing pin's id, not its media: nothing to upload.
        if (job.draft.videoUrl && !job.saveOf) {
            // A video steps out of the send order while it uploads, so the pins after it do not wait for it.
            this.sendOrder.done(job);
            try {
                videoId = await this.options.uploadVideo(job.draft.videoUrl);
            } catch (error) {
                await this.letGo(record, previous, job);
                return failedOutcome(row, errorOf(error, job.source));
            }
        }
        const body = job.saveOf ? undefined : toPinCreate(job.draft, row.boardId!, videoId);
        const saveTo = { board_id: row.boardId!, ...(job.draft.boardSectionId ? { board_section_id: job.draft.boardSectionId } : {}) };
        // Pins are prepared side by side but sent in input order (publishAt order for the queue).
        await this.sendOrder.turnOf(job);
        for (let attempt = 1; ; attempt += 1) {
            let sending: LedgerEntry | undefined;
            // Right before the request leaves (after its turn and the rate limit's wait): the claim is checked once
            // more and the attempt recorded, so a run that lost the pin meanwhile, or dies now, never repeats it.
            const beforeSend = async () => {
                this.sendOrder.done(job);
                await this.renewals.renewDue();
                const reason = this.stop?.reason ?? (await job.recheck?.());
                if (reason) return reason;
                const held = await stillClaimed(record, this.claimant);
                if (!held) return 'this run\u2019s claim on the pin lapsed or was taken over by another run, so it did not send it';
                sending = {
                    ...held,
                    ...entryContent(content),
                    status: 'sending',
                    unsettled: undefined,
                    runId: this.options.runId,
                    position: job.position,
                    scheduleId: job.scheduleId,
                    attempts: (previous?.attempts ?? 0) + attempt,
                    attemptStartedAt: this.options.now(),
                    attemptEndedAt: undefined,
                    error: undefined,
                };
                await record.write(sending);
                return undefined;
            };
            let pin: Pin;
            try {
                pin = body
                    ? await this.options.client.createPin(body, { beforeSend })
                    : await this.options.client.savePin(job.saveOf!, saveTo, { beforeSend });
            } catch (error) {
                if (!sending || (error instanceof PinterestError && error.kind === 'not-sent')) {
                    // Never sent: nothing happened, and a later run posts it.
                    await this.letGo(record, previous, job);
                    return freeOutcome(row, 'not-attempted', { reason: this.stop?.reason ?? reasonOf(error) });
                }
                if (error instanceof PinterestError && error.outcomeUnknown) {
                    this.options.log.warning(`${sourcePrefix(job.source)}${error.message} Checking the board for it.`);
                    sending = { ...sending, attemptEndedAt: this.options.now() };
                    const settled = await this.reconcile(sending, row, record, key);
                    // Provably not created: post again, but never loop on a flaky API.
                    if (!settled && attempt < 3) continue;
                    if (settled) return settled;
                }
                await record.write({ ...sending, status: 'failed', claim: undefined, error: messageOf(error) });
                if (error instanceof PinterestError && BATCH_STOPPERS.has(error.kind))
                    this.stop = new BatchStop(`Not attempted: an earlier pin stopped the batch. ${error.message}`, error);
                return failedOutcome(row, errorOf(error, job.source));
            }
            return this.confirmed(pin, row, record, sending!, key);
        }
    }

    /**
     * Gives up a claim on a pin that was not sent. Releasing only lets another run take the pin sooner: when the
     * store refuses, the claim lapses by itself, so the pin's row stands and the run goes on.
     */
    private async letGo(record: LedgerRecord, previous: LedgerEntry | undefined, job: PinJob): Promise<void> {
        await releaseClaim(record, this.claimant, previous).catch((error: unknown) =>
            this.options.log.warning(
                `${sourcePrefix(job.source)}could not release this run\u2019s claim (${messageOf(error)}); it lapses by itself within ${CLAIM_TTL_MS / 60_000} minutes.`,
            ),
        );
    }

    /**
     * Looks for a pin whose POST may have gone through; undefined when it is provably absent (post it again). An
     * unknown outcome always ends in a row: a listing that fails leaves the pin unconfirmed, never the run stopped.
     */
    private async reconcile(entry: LedgerEntry, row: PinResultItem, record: LedgerRecord, key: string): Promise<PinOutcome | undefined> {
        const { ledger, log } = this.options;
        const verdict = await reconcilePin(this.options.client, entry, {
            now: this.options.now,
            sleep: this.claimant.sleep,
            maxWaitMs: this.options.reconcileWaitMs,
            attributedTo: (pinId) => ledger.attributedTo(pinId),
            ledgerKey: key,
        }).catch((error: unknown) => ({ outcome: 'unsure' as const, reason: `board ${entry.boardId} could not be read (${messageOf(error)})` }));
        if (verdict.outcome === 'found') {
            log.info(`Found pin ${verdict.pin.id} on board ${entry.boardId}: the unanswered request had created it.`);
            return this.confirmed(verdict.pin, row, record, entry, key);
        }
        if (verdict.outcome === 'absent') return undefined;
        await record.write({ ...entry, status: 'unconfirmed', claim: undefined, runId: this.options.runId, position: row.position });
        return freeOutcome(row, 'unconfirmed', {
            reason: `Pinterest did not confirm this pin and ${verdict.reason}: it was not charged, and the next run checks again before posting it.`,
        });
    }

    private async indexPublished(pinId: string, boardId: string, publishedAt: number): Promise<void> {
        if (!this.options.accountKey) return;
        await this.options.ledger.recordPublished(await this.options.accountKey(), { publishedAt, boardId, pinId });
    }

    private async confirmed(pin: Pin, row: PinResultItem, record: LedgerRecord, entry: LedgerEntry, key: string): Promise<PinOutcome> {
        const fields = createdPinFields(pin, { ...row, boardId: entry.boardId });
        const createdAt = this.options.now();
        await record.write({
            ...entry,
            status: 'created',
            claim: undefined,
            runId: this.options.runId,
            position: row.position,
            pinId: pin.id,
            pinUrl: fields.url ?? undefined,
            createdAt,
            error: undefined,
        });
        await this.options.ledger.attribute(pin.id, key);
        // The index serves analytics of "the pins I published": a pin it misses is still published, stored and charged.
        await this.indexPublished(pin.id, fields.boardId ?? entry.boardId, createdAt).catch((error: unknown) =>
            this.options.log.warning(
                `Pin ${pin.id} is published, but could not be added to the ledger's index of published pins (${messageOf(error)}).`,
            ),
        );
        if (entry.link) await this.options.ledger.recordLinkPublished(entry.link, createdAt);
        return { row: { ...row, ...fields, status: 'created', boardName: row.boardName }, charged: true };
    }
}

function messageOf(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

/** A withdrawn request's reason is already a clause; other errors are sentences. */
function reasonOf(error: unknown): string {
    if (error instanceof PinterestError && error.kind === 'not-sent' && error.apiMessage) {
        const clause = error.apiMessage.replace(/\.$/, '');
        return `${clause[0]!.toUpperCase()}${clause.slice(1)}.`;
    }
    return messageOf(error);
}

/** The row's error object: Pinterest's details when it answered, our sentence in any case. */
function errorOf(error: unknown, source: string): PinError {
    if (error instanceof PinterestError) {
        return {
            message: `${sourcePrefix(source)}${error.message}`,
            httpStatus: error.status ?? null,
            pinterestCode: error.code ?? null,
            requestId: error.requestId ?? null,
        };
    }
    return { message: `${sourcePrefix(source)}${messageOf(error)}`, httpStatus: null, pinterestCode: null, requestId: null };
}
