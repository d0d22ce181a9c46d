import { createHash } from 'node:crypto';

import { z } from 'zod';

import type { PinterestClient } from '../pinterest/client.js';
import type { NamedStore, RunStorage } from '../storage/contracts.js';
import { pinDraftSchema } from '../publish/draft.js';
import { TypedRecord } from '../storage/records.js';

export const DEFAULT_QUEUE_STORE = 'pinterest-pin-queue';
export const QUEUE_STATUSES = ['scheduled', 'publishing', 'published', 'failed', 'cancelled'] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

/**
 * One queued pin: a record of its own in the named queue store, so that runs touching different pins never
 * overwrite each other's work, and a lease (holder run, expiry) on the one being published.
 */
export const queueEntrySchema = z.object({
    version: z.literal(1),
    scheduleId: z.string(),
    /** Whose pin it is: several accounts may share one queue store. */
    account: z.string(),
    environment: z.string(),
    /** The pin as it will be published; its board is already resolved to `boardId`. */
    draft: pinDraftSchema,
    /** When it goes live (ms, UTC), and the spacing slot it took before jitter. */
    publishAt: z.number(),
    slotAt: z.number().optional(),
    status: z.enum(QUEUE_STATUSES),
    attempts: z.number().int().min(0),
    lastError: z.string().optional(),
    /** After a failure: not before this time (backoff). */
    nextAttemptAt: z.number().optional(),
    /** The run publishing it, until when, and the row position the pin has in that run. */
    lease: z.object({ runId: z.string(), expiresAt: z.number(), position: z.number().int() }).optional(),
    /** Set when the pin was queued with allowDuplicates: its ledger key is its own. */
    ledgerSuffix: z.string().optional(),
    pinId: z.string().optional(),
    pinUrl: z.string().optional(),
    publishedAt: z.number().optional(),
    queuedAt: z.number(),
    queuedByRun: z.string(),
});
export type QueueEntry = z.infer<typeof queueEntrySchema>;

/** How long a claim on a pin holds: enough for a video upload and reconciliation; an expired one can be taken over. */
export const LEASE_MS = 15 * 60_000;
/** Between writing a lease and reading it back: another run claiming at the same moment has written by then. */
const LEASE_SETTLE_MS = 300;

const accountKey = (environment: string, account: string) => createHash('sha256').update(`${environment}\n${account}`).digest('hex').slice(0, 12);

export class PinQueue {
    private readonly prefix: string;

    constructor(
        readonly store: NamedStore,
        readonly account: string,
        readonly environment: string,
        private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ) {
        this.prefix = `q-${accountKey(environment, account)}-`;
    }

    /** A schedule id that is the same whenever the same pin is queued again (so it is queued once). */
    static scheduleIdFor(ledgerKey: string): string {
        return createHash('sha256').update(ledgerKey).digest('hex').slice(0, 20);
    }

    record(scheduleId: string): TypedRecord<typeof queueEntrySchema> {
        return new TypedRecord(
            this.store,
            `${this.prefix}${scheduleId}`,
            queueEntrySchema,
            `queue entry ${scheduleId} in key-value store "${this.store.name}"`,
        );
    }

    /** Every entry of this account, in publishAt order. */
    async entries(): Promise<QueueEntry[]> {
        const entries: QueueEntry[] = [];
        for (const key of await this.store.keys(this.prefix)) {
            const entry = await this.record(key.slice(this.prefix.length)).read();
            if (entry) entries.push(entry);
        }
        return entries.sort((a, b) => a.publishAt - b.publishAt || a.scheduleId.localeCompare(b.scheduleId));
    }

    /**
     * Claims due pins for this run: writes a lease on each, waits a moment, and reads them back; the ones still
     * leased to this run are its own. A store without compare-and-swap cannot rule out every race, so the
     * ledger behind the publisher stays the final guard against posting a pin twice.
     */
    async claim(entries: QueueEntry[], runId: string, now: number, firstPosition: number): Promise<QueueEntry[]> {
        const written: QueueEntry[] = [];
        let position = firstPosition;
        for (const entry of entries) {
            const record = this.record(entry.scheduleId);
            const current = await record.read();
            if (!current || !isDue(current, now) || heldByOther(current, runId, now)) continue;
            const claimed: QueueEntry = { ...current, status: 'publishing', lease: { runId, expiresAt: now + LEASE_MS, position: position++ } };
            await record.write(claimed);
            written.push(claimed);
        }
        if (written.length === 0) return [];
        await this.sleep(LEASE_SETTLE_MS);
        const held: QueueEntry[] = [];
        for (const entry of written) {
            const check = await this.record(entry.scheduleId).read();
            if (check?.lease?.runId !== runId || check.status !== 'publishing' || !check.lease) continue;
            // Positions stay contiguous even when another run won a pin in between: rows are stored in position order.
            const expected = firstPosition + held.length;
            if (check.lease.position !== expected) {
                const renumbered = { ...check, lease: { ...check.lease, position: expected } };
                await this.record(check.scheduleId).write(renumbered);
                held.push(renumbered);
            } else held.push(check);
        }
        return held;
    }
}

/** A pin that waits for its time, or whose last publishing run died holding an expired lease. */
export function isDue(entry: QueueEntry, now: number): boolean {
    const waiting = entry.status === 'scheduled' || (entry.status === 'publishing' && (entry.lease?.expiresAt ?? 0) <= now);
    return waiting && entry.publishAt <= now && (entry.nextAttemptAt ?? 0) <= now;
}

function heldByOther(entry: QueueEntry, runId: string, now: number): boolean {
    return entry.lease !== undefined && entry.lease.runId !== runId && entry.lease.expiresAt > now && entry.status === 'publishing';
}

/** Minutes to wait after the n-th failed attempt before the next run tries again. */
export function retryBackoffMs(attempts: number): number {
    return Math.min(6 * 60, 15 * 2 ** Math.max(0, attempts - 1)) * 60_000;
}

/** The queue of the token's account in the named store the input names (several accounts may share a store). */
export async function openAccountQueue(
    { client, storage }: { client: PinterestClient; storage: RunStorage },
    { queueStoreName, environment }: { queueStoreName: string; environment: string },
): Promise<PinQueue> {
    const { account } = await client.getUserAccount();
    const owner = account.id ?? account.username ?? 'unknown';
    return new PinQueue(await storage.openNamedStore(queueStoreName), owner, environment);
}
