import { type PinResultItem, createdPinFields, type PinError, pinResultItem, type PinResultStatus } from '../output/items.js';
import type { Log } from '../common/log.js';
import { EVENTS, type RunOutput } from '../output/run-output.js';
import type { PinterestClient } from '../pinterest/client.js';
import { PinterestError } from '../pinterest/errors.js';
import type { Pin } from '../pinterest/schemas.js';
import type { BoardDirectory } from './boards.js';
import { type PinDraft, sourcePrefix, toPinCreate } from './draft.js';
import { contentOfDraft, type LedgerEntry, ledgerKey, type PinContent, type PinLedger, pinIdentity } from './ledger.js';
import { reconcilePin } from './reconcile.js';

/** One pin to publish, as the batch sees it. */
export interface PinJob {
    /** 1-based position in the run's rows. */
    position: number;
    /** Where it came from, for rows and messages: `pins[2]`, `CSV row 7`, `queue`. */
    source: string;
    draft: PinDraft;
    scheduleId?: string;
    publishAt?: string;
    /** Set when duplicates are allowed: makes the pin's ledger key its own, so only this job can match it. */
    ledgerSuffix?: string;
    /** publish-scheduled: minutes after publishAt. */
    lateByMinutes?: number;
}

export interface PublishOptions {
    client: PinterestClient;
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
    /** The run's clock: ledger times and reconciliation use it, so tests can move time. */
    now: () => number;
    /** Pins in flight at once; the transport's pacer keeps writes within the rate limit whatever this is. */
    concurrency?: number;
}

/** A pin's outcome: its row, and whether the row is charged as `pin-created`. */
export interface PinOutcome {
    row: PinResultItem;
    charged: boolean;
}

/**
 * Pins prepared at once (board, ledger, video upload). The pacer, not this number, sets the pace of the writes:
 * it only has to be large enough that a write is always ready when its turn comes.
 */
const DEFAULT_CONCURRENCY = 8;

/** An attempt of another run younger than this may still be under way; older ones belong to a run that died. */
const OTHER_RUN_GRACE_MS = 15 * 60_000;

/** Kinds of failure after which no further pin can succeed in this run: stop the batch. */
const BATCH_STOPPERS = new Set([
    'spam-blocked',
    'invalid-token',
    'missing-scope',
    'trial-production',
    'refresh-rejected',
    'app-credentials-rejected',
]);

/** Why the rest of a batch was not attempted, once something stopped it. */
export class BatchStop {
    constructor(
        readonly reason: string,
        readonly error?: PinterestError,
    ) {}
}

/**
 * Publishes pins exactly once. Each pin is looked up in the ledger first (a pin published by an earlier run is
 * skipped; one left unresolved is reconciled with the board before anything is posted), recorded as `sending`
 * before its POST and as `created` after it, so no run, restart or overlap posts it twice. A POST whose answer
 * was lost is reconciled with the board instead of being repeated blindly.
 */
export class PinPublisher {
    private inFlightCharges = 0;
    /** Pins of this batch by ledger key: the same pin twice in one input is published once. */
    private readonly byKey = new Map<string, { position: number; outcome: Promise<PinOutcome> }>();
    stop?: BatchStop;
    private sendOrder = new SendOrder([]);

    constructor(private readonly options: PublishOptions) {}

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
        const base = this.baseRow(job);
        if (this.stop) return this.free(base, 'not-attempted', { reason: this.stop.reason });

        let boardId = job.draft.boardId;
        if (!boardId) {
            const lookup = await this.options.boards
                .resolve(job.draft.boardName ?? '')
                .catch((error: unknown) => ({ ok: false as const, problem: messageOf(error) }));
            if (!lookup.ok) return this.failed(base, { message: `${sourcePrefix(job.source)}${lookup.problem}.` });
            boardId = lookup.boardId;
        }
        const row = { ...base, boardId };
        const content = contentOfDraft(job.draft, boardId, this.options.environment);
        // allowDuplicates: the entry still guards this one input row against restarts, but not against other runs.
        const key = ledgerKey(content, job.ledgerSuffix);
        const earlier = this.byKey.get(key);
        if (earlier) {
            const first = (await earlier.outcome).row;
            return this.free(row, 'skipped-duplicate', {
                id: first.id,
                url: first.url,
                reason: `The same pin is at position ${earlier.position} of this batch, so it was published at most once.`,
            });
        }
        const outcome = this.publishOnce(job, row, content, key);
        this.byKey.set(key, { position: job.position, outcome });
        return outcome;
    }

    private async publishOnce(job: PinJob, row: PinResultItem, content: PinContent, key: string): Promise<PinOutcome> {
        const record = this.options.ledger.entry(key);
        const entry = await record.read();

        if (entry?.status === 'created') {
            const fields = { id: entry.pinId ?? null, url: entry.pinUrl ?? null };
            // This very row of this very run created it before a restart: it is this run's result, stored and charged once.
            const mine = entry.runId === this.options.runId && entry.position === job.position;
            if (mine && !this.options.dryRun) return this.charged({ ...row, ...fields, status: 'created' });
            const when = entry.createdAt ? ` on ${new Date(entry.createdAt).toISOString().slice(0, 10)}` : '';
            return this.free(row, 'skipped-duplicate', {
                ...fields,
                reason: `The same pin was already published${when} (pin ${entry.pinId}): it was not posted again. Set allowDuplicates to true to post it anyway.`,
            });
        }
        if (this.options.dryRun) {
            const note = entry ? ` The ledger holds an unfinished attempt (${entry.status}); a real run first checks the board for it.` : '';
            return this.free(row, 'would-create', { reason: `Checked and ready to publish.${note}` });
        }

        // Another run is posting this very pin right now (an overlapping scheduled run): leave it to that run.
        if (entry?.status === 'sending' && entry.runId !== this.options.runId && this.options.now() - entry.attemptStartedAt < OTHER_RUN_GRACE_MS) {
            return this.free(row, 'not-attempted', { reason: 'Another run is publishing this pin right now, so this run left it alone.' });
        }
        if (entry && (entry.status === 'sending' || entry.status === 'unconfirmed')) {
            const settled = await this.reconcile(entry, row, record);
            if (settled) return settled;
        }
        return this.post(job, row, content, record, entry);
    }

    private async post(
        job: PinJob,
        row: PinResultItem,
        content: PinContent,
        record: LedgerRecord,
        previous: LedgerEntry | undefined,
    ): Promise<PinOutcome> {
        // Reserve the charge first: a pin must never exist on Pinterest without being paid for and reported.
        if (this.options.output.budgetFor(EVENTS.pinCreated) - this.inFlightCharges < 1) {
            return this.free(row, 'not-attempted', {
                reason: 'The maximum charge you set for this run cannot pay for one more pin-created event, so this pin was not created: raise it and run again.',
            });
        }
        this.inFlightCharges += 1;
        try {
            let videoId: string | undefined;
            if (job.draft.videoUrl) {
                try {
                    videoId = await this.options.uploadVideo(job.draft.videoUrl);
                } catch (error) {
                    return this.failed(row, errorOf(error, job.source));
                }
            }
            const body = toPinCreate(job.draft, row.boardId!, videoId);
            // Pins are prepared side by side but sent in input order (publishAt order for the queue).
            await this.sendOrder.turnOf(job);
            for (let attempt = 1; ; attempt += 1) {
                let sending: LedgerEntry | undefined;
                // The entry is written when the request is about to leave (after waiting its turn under the rate
                // limit), so a run that dies while pins wait leaves no "sending" entries for pins never sent.
                const beforeSend = async () => {
                    this.sendOrder.done(job);
                    if (this.stop) return this.stop.reason;
                    sending = {
                        ...this.entryBase(content, job),
                        status: 'sending',
                        attempts: (previous?.attempts ?? 0) + attempt,
                        attemptStartedAt: this.options.now(),
                    };
                    await record.write(sending);
                    return undefined;
                };
                let pin: Pin;
                try {
                    pin = await this.options.client.createPin(body, { beforeSend });
                } catch (error) {
                    if (!sending || (error instanceof PinterestError && error.kind === 'not-sent')) {
                        // Never sent: nothing happened, and a later run posts it.
                        return this.free(row, 'not-attempted', { reason: this.stop?.reason ?? messageOf(error) });
                    }
                    if (error instanceof PinterestError && error.outcomeUnknown) {
                        this.options.log.warning(`${sourcePrefix(job.source)}${error.message} Checking the board for it.`);
                        const settled = await this.reconcile(sending, row, record);
                        // Provably not created: post again, but never loop on a flaky API.
                        if (!settled && attempt < 3) continue;
                        if (settled) return settled;
                    }
                    await record.write({ ...sending, status: 'failed', error: messageOf(error) });
                    if (error instanceof PinterestError && BATCH_STOPPERS.has(error.kind))
                        this.stop = new BatchStop(`Not attempted: an earlier pin stopped the batch. ${error.message}`, error);
                    return this.failed(row, errorOf(error, job.source));
                }
                return this.confirmed(pin, row, record, sending!);
            }
        } finally {
            this.inFlightCharges -= 1;
        }
    }

    /** Looks for a pin whose POST may have gone through; undefined when it is provably absent (post it again). */
    private async reconcile(entry: LedgerEntry, row: PinResultItem, record: LedgerRecord): Promise<PinOutcome | undefined> {
        const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
        const verdict = await reconcilePin(this.options.client, entry, { now: this.options.now, sleep, maxWaitMs: this.options.reconcileWaitMs });
        if (verdict.outcome === 'found') {
            this.options.log.info(`Found pin ${verdict.pin.id} on board ${entry.boardId}: the unanswered request had created it.`);
            return this.confirmed(verdict.pin, row, record, entry);
        }
        if (verdict.outcome === 'absent') return undefined;
        await record.write({ ...entry, status: 'unconfirmed', runId: this.options.runId, position: row.position });
        return this.free(row, 'unconfirmed', {
            reason: `Pinterest did not confirm this pin and it is not on board ${entry.boardId} yet (the board's listing can lag): it was not charged, and the next run checks again before posting it.`,
        });
    }

    private async confirmed(pin: Pin, row: PinResultItem, record: LedgerRecord, entry: LedgerEntry): Promise<PinOutcome> {
        const fields = createdPinFields(pin, { boardId: entry.boardId });
        const createdAt = this.options.now();
        await record.write({
            ...entry,
            status: 'created',
            runId: this.options.runId,
            position: row.position,
            pinId: pin.id,
            pinUrl: fields.url ?? undefined,
            createdAt,
            error: undefined,
        });
        if (entry.link) await this.options.ledger.recordLinkPublished(entry.link, createdAt);
        return this.charged({ ...row, ...fields, status: 'created', boardName: row.boardName });
    }

    private entryBase(content: PinContent, job: PinJob): Omit<LedgerEntry, 'status' | 'attempts' | 'attemptStartedAt'> {
        return {
            version: 1,
            identity: pinIdentity(content),
            environment: content.environment,
            boardId: content.boardId,
            title: content.title ?? null,
            description: content.description ?? null,
            link: content.link ?? null,
            mediaUrls: content.mediaUrls,
            runId: this.options.runId,
            position: job.position,
            scheduleId: job.scheduleId,
        };
    }

    private baseRow(job: PinJob): PinResultItem {
        const { draft } = job;
        return pinResultItem({
            status: 'failed',
            position: job.position,
            source: job.source,
            boardId: draft.boardId ?? null,
            boardName: draft.boardName ?? null,
            title: draft.pinTitle ?? null,
            description: draft.pinDescription ?? null,
            link: draft.linkUrl ?? null,
            altText: draft.altText ?? null,
            imageUrl: draft.imageUrl ?? draft.imageUrls?.[0] ?? draft.coverImageUrl ?? null,
            mediaType: draft.videoUrl ? 'video' : draft.imageUrls ? 'multiple_images' : 'image',
            key: draft.key ?? null,
            scheduleId: job.scheduleId ?? null,
            publishAt: job.publishAt ?? null,
            lateByMinutes: job.lateByMinutes ?? null,
        });
    }

    private charged(row: PinResultItem): PinOutcome {
        return { row, charged: true };
    }

    private free(row: PinResultItem, status: PinResultStatus, fields: Partial<PinResultItem> = {}): PinOutcome {
        return { row: { ...row, ...fields, status }, charged: false };
    }

    private failed(row: PinResultItem, error: PinError | { message: string }): PinOutcome {
        return this.free(row, 'failed', { error: { httpStatus: null, pinterestCode: null, requestId: null, ...error } });
    }
}

type LedgerRecord = ReturnType<PinLedger['entry']>;

/**
 * Keeps the POSTs of a batch in the batch's order while the pins are prepared concurrently: a pin's request waits
 * until the pin before it has sent its own, or has finished without sending one.
 */
class SendOrder {
    private readonly gates = new Map<PinJob, { passed: Promise<void>; pass: () => void }>();
    private readonly previous = new Map<PinJob, PinJob>();

    constructor(jobs: PinJob[]) {
        jobs.forEach((job, index) => {
            let pass = () => {};
            const passed = new Promise<void>((resolve) => (pass = resolve));
            this.gates.set(job, { passed, pass });
            if (index > 0) this.previous.set(job, jobs[index - 1]!);
        });
    }

    /** Resolves when every pin before `job` has sent its request or finished without one. */
    async turnOf(job: PinJob): Promise<void> {
        const before = this.previous.get(job);
        if (before) await this.gates.get(before)?.passed;
    }

    /** `job` has sent its request (or will send none): the next pin may go, once every pin before it has too. */
    done(job: PinJob): void {
        const gate = this.gates.get(job);
        if (!gate) return;
        void this.turnOf(job).then(gate.pass);
    }
}

function messageOf(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
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
