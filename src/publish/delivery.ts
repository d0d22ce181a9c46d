import { z } from 'zod';

import { EVENTS, type RunOutput } from '../output/run-output.js';
import type { KeyValueBackend } from '../storage/contracts.js';
import { TypedRecord } from '../storage/records.js';
import type { PinOutcome } from './rows.js';

const statusCounts = z.record(z.string(), z.number().int().min(0));

/**
 * How far the batch's rows are stored, in a record of the run's store written around every push. `pending` is
 * written before a push and cleared after it, with what a restart needs to tell whether the push happened: for
 * charged rows, the run's charge count before it (on the platform the run's `chargedEventCounts` survive a
 * migration, and the SDK charges only after it stored the rows), else the positions to look for in the dataset.
 */
const deliveryProgressSchema = z.object({
    pushed: z.number().int().min(0),
    /** Rows stored per status, restarts included: the run's totals come from here, not from one process's memory. */
    counts: statusCounts.default({}),
    pending: z
        .object({
            from: z.number().int().min(0),
            count: z.number().int().min(1),
            charged: z.boolean(),
            chargedBefore: z.number().int().min(0),
            counts: statusCounts,
        })
        .optional(),
});
type DeliveryProgress = z.infer<typeof deliveryProgressSchema>;

export const DELIVERY_PROGRESS_KEY = 'PUBLISH-PROGRESS';

/**
 * Rows that are free and that nothing waits on (dry runs, duplicates, failures, queued pins) are stored in pushes of
 * at least this many: a 100,000-row CSV then makes hundreds of pushes, each with its two journal writes, instead of
 * tens of thousands of pushes of a few rows. Charged rows, and rows a caller waits on, are stored as soon as their
 * turn comes.
 */
export const FREE_ROWS_PER_PUSH = 200;

/**
 * Stores pin outcomes in input order, one row per pin, whatever order they finish in, and charges `pin-created`
 * for exactly the created ones. After a restart, rows already stored are known and never stored (or charged) again.
 */
export class OrderedDelivery {
    private readonly waiting = new Map<number, { outcome: PinOutcome; onStored?: () => Promise<void> }>();
    private flushing: Promise<void> = Promise.resolve();
    private readonly afterStored: Array<Promise<void>> = [];
    private afterStoredFailure?: { error: unknown };
    /** Set by finish(): from then on every row is stored, however few. */
    private finishing = false;

    private constructor(
        private readonly output: RunOutput,
        private readonly record: TypedRecord<typeof deliveryProgressSchema>,
        private progress: DeliveryProgress,
    ) {}

    static async open(output: RunOutput, runStore: KeyValueBackend): Promise<OrderedDelivery> {
        const record = new TypedRecord(
            runStore,
            DELIVERY_PROGRESS_KEY,
            deliveryProgressSchema,
            `record ${DELIVERY_PROGRESS_KEY} in the run's key-value store`,
        );
        const progress = (await record.read()) ?? { pushed: 0, counts: {} };
        const delivery = new OrderedDelivery(output, record, progress);
        if (progress.pending) await delivery.settlePending(progress.pending);
        return delivery;
    }

    /** Rows at positions up to this one are stored already (positions are 1-based). */
    get storedThrough(): number {
        return this.progress.pushed;
    }

    /** Rows stored per status, this run's earlier processes included. */
    get counts(): Record<string, number> {
        return { ...this.progress.counts };
    }

    /**
     * Takes a pin's outcome; stores every row whose turn has come. `onStored` runs once this row is stored (the
     * queue settles a pin only then, so that a restart in between still stores its row).
     */
    async add(position: number, outcome: PinOutcome, onStored?: () => Promise<void>): Promise<void> {
        this.waiting.set(position, { outcome, onStored });
        this.flushing = this.flushing.then(() => this.flush());
        await this.flushing;
    }

    /**
     * Stores whatever still waits, in position order, even across a gap (a queued pin cancelled while its run
     * restarted leaves its position unused): no outcome is ever left unstored.
     */
    async finish(): Promise<void> {
        this.finishing = true;
        this.flushing = this.flushing.then(() => this.flush());
        await this.flushing;
        for (const position of [...this.waiting.keys()].sort((a, b) => a - b)) {
            if (position > this.progress.pushed + 1) this.progress = { ...this.progress, pushed: position - 1 };
            this.flushing = this.flushing.then(() => this.flush());
            await this.flushing;
        }
        await Promise.all(this.afterStored);
        if (this.afterStoredFailure) throw this.afterStoredFailure.error;
    }

    /** A restart found a push under way: was it stored (and charged), or is it still to do? */
    private async settlePending(pending: NonNullable<DeliveryProgress['pending']>): Promise<void> {
        let stored = 0;
        const chargedSince = this.output.chargedCount(EVENTS.pinCreated) - pending.chargedBefore;
        if (pending.charged && this.output.knowsEarlierCharges && chargedSince >= pending.count) stored = pending.count;
        else {
            // Rows carry their position, so the ones that made it are recognised; the item count is not asked.
            const items = await this.output.readStoredItems(pending.from, pending.count);
            while (stored < items.length && items[stored]?.type === 'pinResult' && items[stored]?.position === pending.from + stored + 1) stored += 1;
            // Stored but not charged: the run stopped between the SDK's push and its charge.
            if (pending.charged && this.output.knowsEarlierCharges && stored > chargedSince) {
                await this.output.chargeStored(EVENTS.pinCreated, stored - Math.max(0, chargedSince));
            }
        }
        const counts = { ...this.progress.counts };
        // A push is all or nothing on the platform; locally a killed push may have written some files.
        if (stored === pending.count) for (const [status, count] of Object.entries(pending.counts)) counts[status] = (counts[status] ?? 0) + count;
        this.progress = { pushed: pending.from + (stored === pending.count ? stored : 0), counts };
        await this.record.write(this.progress);
    }

    private async flush(): Promise<void> {
        for (;;) {
            const group: Array<{ outcome: PinOutcome; onStored?: () => Promise<void> }> = [];
            // Consecutive rows that are charged alike go in one push.
            for (let position = this.progress.pushed + 1; this.waiting.has(position); position += 1) {
                const waiting = this.waiting.get(position)!;
                if (group.length > 0 && waiting.outcome.charged !== group[0]!.outcome.charged) break;
                group.push(waiting);
            }
            if (group.length === 0) return;
            const from = this.progress.pushed;
            const charged = group[0]!.outcome.charged;
            // A short run of free rows with more to come (the next row is not ready yet) waits to be pushed with them.
            const more = !this.waiting.has(from + group.length + 1);
            if (!this.finishing && !charged && more && group.length < FREE_ROWS_PER_PUSH && group.every((item) => !item.onStored)) return;
            const groupCounts: Record<string, number> = {};
            for (const { outcome } of group) groupCounts[outcome.row.status] = (groupCounts[outcome.row.status] ?? 0) + 1;
            const chargedBefore = this.output.chargedCount(EVENTS.pinCreated);
            await this.record.write({ ...this.progress, pending: { from, count: group.length, charged, chargedBefore, counts: groupCounts } });
            await this.output.pushRows(
                group.map(({ outcome }) => outcome.row),
                charged ? EVENTS.pinCreated : undefined,
            );
            const counts = { ...this.progress.counts };
            for (const { outcome } of group) {
                this.waiting.delete(outcome.row.position);
                counts[outcome.row.status] = (counts[outcome.row.status] ?? 0) + 1;
                outcome.release?.();
            }
            this.progress = { pushed: from + group.length, counts };
            await this.record.write(this.progress);
            for (const { onStored } of group) {
                // Kept and awaited in finish(), so that a failure there fails the run instead of going unnoticed.
                if (onStored) this.afterStored.push(onStored().catch((error: unknown) => void (this.afterStoredFailure ??= { error })));
            }
        }
    }
}
