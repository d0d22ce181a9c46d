import { createHash } from 'node:crypto';

import { z } from 'zod';

import type { Log } from '../common/log.js';
import type { PinterestClient } from '../pinterest/client.js';
import { pinDraftSchema } from '../publish/draft.js';
import { accountHash, keyTime } from '../publish/ledger.js';
import { allKeys, MAX_KEYS_PER_PAGE, type NamedStore, type RunStorage } from '../storage/contracts.js';
import { MAX_TIME_MS, RecordCorruptError, TIME_MS, TypedRecord } from '../storage/records.js';

export const DEFAULT_QUEUE_STORE = 'pinterest-pin-queue';
export const QUEUE_STATUSES = ['scheduled', 'publishing', 'published', 'failed', 'cancelled'] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];
/** Statuses of pins still to go out: they sit in the waiting index, by due time. */
const WAITING_STATUSES: ReadonlySet<QueueStatus> = new Set(['scheduled', 'publishing']);

/** One queued pin, and a lease (holder run, expiry) while it is being published. */
export const queueEntrySchema = z.object({
    version: z.literal(1),
    scheduleId: z.string(),
    /** Whose pin it is: several accounts may share one queue store. */
    account: z.string(),
    environment: z.string(),
    /** The pin as it will be published; its board is already resolved to `boardId`. */
    draft: pinDraftSchema,
    /** When it goes live (ms, UTC), and the spacing slot it took before jitter. */
    publishAt: TIME_MS,
    slotAt: TIME_MS.optional(),
    status: z.enum(QUEUE_STATUSES),
    attempts: z.number().int().min(0),
    lastError: z.string().optional(),
    /** After a failure: not before this time (backoff). */
    nextAttemptAt: TIME_MS.optional(),
    /** The run publishing it, until when, and the row position the pin has in that run. */
    lease: z.object({ runId: z.string(), expiresAt: TIME_MS, position: z.number().int().min(1) }).optional(),
    /**
     * update-scheduled changed the pin's content, and so its identity: it moved to this schedule id. A cancelled
     * entry with this set is a move a run did not finish; it blocks nothing.
     */
    movedTo: z.string().optional(),
    /**
     * A save of another pin to this entry's board (`boards`: one pin to several boards, days apart): the ledger key
     * of the first board's pin, whose Pinterest id publish-scheduled reads from the ledger when the save is due,
     * and that pin's board.
     */
    save: z.object({ ofLedgerKey: z.string(), ofBoardId: z.string() }).optional(),
    /**
     * The run that last left the pin unattempted (another run held it, the budget, a stopped batch) and the position
     * of the row that says so: a restart of that run gives it no second row.
     */
    leftBy: z.object({ runId: z.string(), position: z.number().int().min(1) }).optional(),
    /** Set when the pin was queued with allowDuplicates: its ledger key is its own. */
    ledgerSuffix: z.string().optional(),
    pinId: z.string().optional(),
    pinUrl: z.string().optional(),
    publishedAt: TIME_MS.optional(),
    /** When it left the queue (published, failed for good, cancelled): its place in the history. */
    finishedAt: TIME_MS.optional(),
    queuedAt: TIME_MS,
    queuedByRun: z.string(),
    /** Counts the entry's writes, so that an index key can tell whether it is ahead of the entry or behind it. */
    revision: z.number().int().min(0).default(0),
});
export type QueueEntry = z.infer<typeof queueEntrySchema>;

/** What an index key's record holds: the revision of the entry it was written for, and when. */
const indexRecordSchema = z.object({ revision: z.number().int().min(0), at: TIME_MS });
/** An index key ahead of its entry for this long belongs to a run that died between the two writes. */
const ABANDONED_INDEX_MS = 60_000;

/** How long a claim on a pin holds unless renewed; a run that died lets go of its pins by itself after this. */
export const LEASE_MS = 10 * 60_000;

/** When a waiting pin is due: its time, or after a failure the end of its backoff. */
export const dueAt = (entry: Pick<QueueEntry, 'publishAt' | 'nextAttemptAt'>) => Math.max(entry.publishAt, entry.nextAttemptAt ?? 0);

/** A pin that waits for its time, or whose last publishing run died holding an expired lease. */
export function isDue(entry: QueueEntry, now: number): boolean {
    const waiting = entry.status === 'scheduled' || (entry.status === 'publishing' && (entry.lease?.expiresAt ?? 0) <= now);
    return waiting && dueAt(entry) <= now;
}

/** Another run is publishing it right now. */
export function heldByOther(entry: QueueEntry, runId: string, now: number): boolean {
    return entry.status === 'publishing' && entry.lease !== undefined && entry.lease.runId !== runId && entry.lease.expiresAt > now;
}

/** Minutes to wait after the n-th failed attempt before the next run tries again. */
export function retryBackoffMs(attempts: number): number {
    return Math.min(6 * 60, 15 * 2 ** Math.max(0, attempts - 1)) * 60_000;
}

const TIME_DIGITS = keyTime(0).length;
/** History lists the newest first: key order ascends, so the time is inverted. */
const invertedKeyTime = (ms: number) => keyTime(MAX_TIME_MS - Math.min(Math.max(0, Math.floor(ms)), MAX_TIME_MS));

/** A waiting pin as its index key tells it, without reading the entry. */
export interface WaitingPointer {
    key: string;
    scheduleId: string;
    dueAt: number;
}

/** What one listing of the account's keys shows: enough for an idle run to stop there. */
export interface QueueGlance {
    /** Waiting pins by due time, at most one page of them. */
    waiting: WaitingPointer[];
    /** True when more waiting pins follow the ones in `waiting`. */
    moreWaiting: boolean;
    /** Set while the account's queue is paused (pause-queue): since when (ms). */
    pausedSince?: number;
}

/**
 * The scheduling queue of one account in a named store, laid out for the calls it makes on the platform, where
 * each is an HTTP request: a run that finds nothing due costs one listing, however long the queue's history.
 *
 * Keys (`<a>` is a hash of the account and environment; times are 15-digit milliseconds, so they sort as numbers):
 * - `q2-<a>-a-migrated`: the account's pins of the first layout (`q-<a>-<id>`) were moved here.
 * - `q2-<a>-a-paused-<since>`: the account's queue is paused (pause-queue) since that time; its record is empty.
 *   The key says all a run needs, so an idle run learns of the pause from the listing it makes anyway.
 * - `q2-<a>-b-<due>-<id>`: the waiting index: pins still to go out, by due time. The key says all a run needs to
 *   know whether anything is due; its record is empty.
 * - `q2-<a>-c-<inverted finish time>-<id>`: the history index: pins published, failed for good or cancelled, newest first.
 * - `q2-<a>-e-<id>`: the entry itself, by schedule id: the one record to read and write.
 * The `a`, `b` prefixes sort before the rest, so listing `q2-<a>-` shows the marker and the earliest waiting pins
 * first. An entry moves by writing its new index key, then the entry, then removing the old index key: a run that
 * dies in between leaves an extra index key, which readers recognise (the entry says otherwise) and remove, and
 * never an entry that no index reaches.
 */
export class PinQueue {
    private readonly root: string;
    private readonly legacyPrefix: string;
    /** Settles once the account's pins of the first layout, if any, are moved over: each queue checks once. */
    private migrated?: Promise<void>;

    constructor(
        readonly store: NamedStore,
        readonly account: string,
        readonly environment: string,
        /**
         * `readOnly`: a dry run, which changes nothing, not even the layout of a queue it reads. `label`: how
         * messages name the account (`@username`), as several accounts may share one queue store.
         */
        private readonly options: { log?: Log; now: () => number; readOnly?: boolean; label?: string } = { now: Date.now },
    ) {
        const hash = accountHash(environment, account);
        this.root = `q2-${hash}-`;
        this.legacyPrefix = `q-${hash}-`;
    }

    /** How messages name the queue's account. */
    get label(): string {
        return this.options.label ?? 'the account';
    }

    /** A schedule id that is the same whenever the same pin is queued again (so it is queued once). */
    static scheduleIdFor(ledgerKey: string): string {
        return createHash('sha256').update(ledgerKey).digest('hex').slice(0, 20);
    }

    private get migratedKey() {
        return `${this.root}a-migrated`;
    }
    private get pausedPrefix() {
        return `${this.root}a-paused-`;
    }
    private get waitingPrefix() {
        return `${this.root}b-`;
    }
    private get historyPrefix() {
        return `${this.root}c-`;
    }
    private entryKey(scheduleId: string) {
        return `${this.root}e-${scheduleId}`;
    }

    /** The index key an entry belongs under: waiting by due time, or history by finish time. */
    indexKey(entry: QueueEntry): string {
        return WAITING_STATUSES.has(entry.status)
            ? `${this.waitingPrefix}${keyTime(dueAt(entry))}-${entry.scheduleId}`
            : `${this.historyPrefix}${invertedKeyTime(entry.finishedAt ?? entry.publishedAt ?? entry.queuedAt)}-${entry.scheduleId}`;
    }

    record(scheduleId: string): TypedRecord<typeof queueEntrySchema> {
        return new TypedRecord(
            this.store,
            this.entryKey(scheduleId),
            queueEntrySchema,
            `queue entry ${scheduleId} in key-value store "${this.store.name}"`,
        );
    }

    /**
     * One listing: the earliest waiting pins. Moves the account's pins of the first layout over the first time
     * (the only time this listing lacks the marker), so no queued pin is ever lost to the change.
     */
    async glance(): Promise<QueueGlance> {
        let page = await this.store.listKeys({ prefix: this.root, limit: MAX_KEYS_PER_PAGE });
        if (page.keys.includes(this.migratedKey)) this.migrated ??= Promise.resolve();
        else {
            await this.ready();
            page = await this.store.listKeys({ prefix: this.root, limit: MAX_KEYS_PER_PAGE });
        }
        const waiting = page.keys.filter((key) => key.startsWith(this.waitingPrefix)).map((key) => this.pointer(key));
        const pastWaiting = page.keys.some((key) => key > `${this.waitingPrefix}~`);
        const pausedSince = this.pausedSinceOf(page.keys);
        return { waiting, moreWaiting: !pastWaiting && page.nextStartAfter !== undefined, ...(pausedSince !== undefined ? { pausedSince } : {}) };
    }

    /** Since when the account's queue is paused (ms), or undefined: one listing of the pause marker's prefix. */
    async pausedSince(): Promise<number | undefined> {
        const page = await this.store.listKeys({ prefix: this.pausedPrefix, limit: MAX_KEYS_PER_PAGE });
        return this.pausedSinceOf(page.keys);
    }

    /**
     * Pauses the account's queue: publish-scheduled publishes nothing until `resume`. Pausing a paused queue keeps
     * the first time. Returns since when it is paused, and whether it already was.
     */
    async pause(): Promise<{ since: number; already: boolean }> {
        await this.ready();
        const since = await this.pausedSince();
        if (since !== undefined) return { since, already: true };
        const now = this.options.now();
        await this.store.setValue(`${this.pausedPrefix}${keyTime(now)}`, {});
        return { since: now, already: false };
    }

    /** Lifts a pause: every pause marker goes (two runs pausing at once may have left two). Returns since when it was paused. */
    async resume(): Promise<number | undefined> {
        const page = await this.store.listKeys({ prefix: this.pausedPrefix, limit: MAX_KEYS_PER_PAGE });
        const since = this.pausedSinceOf(page.keys);
        for (const key of page.keys) await this.store.delete(key);
        return since;
    }

    /** The earliest pause marker among these keys, as a time. */
    private pausedSinceOf(keys: readonly string[]): number | undefined {
        const marker = keys.find((key) => key.startsWith(this.pausedPrefix) && /^\d{15}$/.test(key.slice(this.pausedPrefix.length)));
        return marker === undefined ? undefined : Number(marker.slice(this.pausedPrefix.length));
    }

    /** Waiting pins in due order, from the earliest, page by page (one listing per 1,000). */
    async *waitingPointers(startAfter?: string): AsyncGenerator<WaitingPointer> {
        await this.ready();
        let after = startAfter;
        do {
            const page = await this.store.listKeys({ prefix: this.waitingPrefix, startAfter: after, limit: MAX_KEYS_PER_PAGE });
            for (const key of page.keys) yield this.pointer(key);
            after = page.nextStartAfter;
        } while (after !== undefined);
    }

    /** Finished pins, newest first, page by page. */
    async *historyKeys(): AsyncGenerator<string> {
        await this.ready();
        yield* allKeys(this.store, this.historyPrefix);
    }

    /** The scheduleId an index key names. */
    scheduleIdOf(key: string): string {
        return key.slice(key.lastIndexOf('-') + 1);
    }

    /**
     * The entry an index key points at, or undefined when the key is stale (a run died between moving an entry's
     * index keys) or the record is damaged: a damaged record is named in a warning and skipped, so one bad record
     * never stops the account's queue. Stale keys are removed.
     */
    async entryAt(key: string): Promise<QueueEntry | undefined> {
        const scheduleId = this.scheduleIdOf(key);
        let entry: QueueEntry | undefined;
        try {
            entry = await this.record(scheduleId).read();
        } catch (error) {
            if (!(error instanceof RecordCorruptError)) throw error;
            this.options.log?.warning(`${error.message.replace(/, so the Actor stopped.*$/, '')}: skipped it; delete or fix that record.`);
            return undefined;
        }
        if (entry && this.indexKey(entry) === key) return entry;
        // The key is behind its entry (a run died before removing it) or ahead of it (another run is moving the
        // entry right now, or died between the two writes): remove it only when that cannot be a move in progress.
        const index = indexRecordSchema.safeParse(await this.store.getValue(key));
        const ahead = entry && index.success && index.data.revision > entry.revision;
        if (!ahead || this.options.now() - (index.success ? index.data.at : 0) > ABANDONED_INDEX_MS) await this.store.delete(key);
        return undefined;
    }

    /** The entry by schedule id, or undefined; a damaged one throws RecordCorruptError naming it. */
    async get(scheduleId: string): Promise<QueueEntry | undefined> {
        await this.ready();
        return this.record(scheduleId).read();
    }

    /** Writes an entry and moves its index key (see the class comment for the order). `previous`: its last known state. */
    async put(entry: QueueEntry, previous?: QueueEntry): Promise<void> {
        await this.ready();
        await this.write(entry, previous);
    }

    private async write(entry: QueueEntry, previous?: QueueEntry): Promise<void> {
        const finished = !WAITING_STATUSES.has(entry.status);
        const next: QueueEntry = {
            ...entry,
            finishedAt: finished ? (entry.finishedAt ?? entry.publishedAt ?? this.options.now()) : undefined,
            revision: Math.max(entry.revision, previous?.revision ?? 0) + 1,
        };
        const key = this.indexKey(next);
        const oldKey = previous ? this.indexKey(previous) : undefined;
        if (oldKey !== key) await this.store.setValue(key, { revision: next.revision, at: this.options.now() });
        await this.record(entry.scheduleId).write(next);
        if (oldKey !== undefined && oldKey !== key) await this.store.delete(oldKey);
    }

    /**
     * Changes an entry from what is stored now, not from an earlier read: `change` sees the current entry and
     * returns the next one, or undefined to leave it. Returns what was written, or undefined.
     */
    async update(scheduleId: string, change: (current: QueueEntry) => QueueEntry | undefined): Promise<QueueEntry | undefined> {
        const current = await this.get(scheduleId);
        if (!current) return undefined;
        const next = change(current);
        if (!next) return undefined;
        await this.put(next, current);
        return next;
    }

    /** The earliest due time among waiting pins later than `now` (or undefined), and how many wait in all. */
    async upcoming(now: number): Promise<{ nextDueAt?: number; waiting: number; dueElsewhere: number }> {
        let waiting = 0;
        let dueElsewhere = 0;
        let nextDueAt: number | undefined;
        for await (const pointer of this.waitingPointers()) {
            if (pointer.dueAt <= now) dueElsewhere += 1;
            else {
                waiting += 1;
                nextDueAt ??= pointer.dueAt;
            }
        }
        return { nextDueAt, waiting, dueElsewhere };
    }

    private pointer(key: string): WaitingPointer {
        const rest = key.slice(this.waitingPrefix.length);
        return { key, dueAt: Number(rest.slice(0, TIME_DIGITS)), scheduleId: rest.slice(TIME_DIGITS + 1) };
    }

    /**
     * Moves the account's pins of the first layout over, the first time the account's queue is touched: its
     * marker is the first key of the account's range, so checking costs one listing of one key.
     */
    private ready(): Promise<void> {
        return (this.migrated ??= (async () => {
            if (this.options.readOnly) return;
            const first = await this.store.listKeys({ prefix: this.root, limit: 1 });
            if (first.keys[0] !== this.migratedKey) await this.migrateLegacy();
        })());
    }

    /** Moves the account's pins of the first layout (one record per pin, read by listing all of them) over, once. */
    private async migrateLegacy(): Promise<void> {
        let moved = 0;
        for await (const key of allKeys(this.store, this.legacyPrefix)) {
            const scheduleId = key.slice(this.legacyPrefix.length);
            if (!/^[a-f0-9]{20}$/.test(scheduleId)) continue;
            const legacy = new TypedRecord(this.store, key, queueEntrySchema, `queue entry ${scheduleId} in key-value store "${this.store.name}"`);
            let entry: QueueEntry | undefined;
            try {
                entry = await legacy.read();
            } catch (error) {
                if (!(error instanceof RecordCorruptError)) throw error;
                this.options.log?.warning(
                    `${error.message.replace(/, so the Actor stopped.*$/, '')}: left it where it is; delete or fix that record.`,
                );
                continue;
            }
            if (entry) {
                // Pins finished before the change get their last known time as their place in the history.
                const finishedAt = WAITING_STATUSES.has(entry.status) ? undefined : (entry.publishedAt ?? entry.nextAttemptAt ?? entry.queuedAt);
                await this.write({ ...entry, finishedAt });
                moved += 1;
            }
            await this.store.delete(key);
        }
        await this.store.setValue(this.migratedKey, { at: new Date(this.options.now()).toISOString(), moved });
        if (moved > 0) this.options.log?.info(`Moved ${moved} queued pins of key-value store "${this.store.name}" to the new queue layout.`);
    }
}

/** The queue of the token's account in the named store the input names (several accounts may share a store). */
export async function openAccountQueue(
    { client, storage, log, now }: { client: PinterestClient; storage: RunStorage; log?: Log; now: () => number },
    { queueStoreName, environment, dryRun = false }: { queueStoreName: string; environment: string; dryRun?: boolean },
): Promise<PinQueue> {
    const { account } = await client.getUserAccount();
    const owner = account.id ?? account.username ?? 'unknown';
    const label = account.username ? `@${account.username}` : undefined;
    return new PinQueue(await storage.openNamedStore(queueStoreName), owner, environment, { log, now, readOnly: dryRun, label });
}
