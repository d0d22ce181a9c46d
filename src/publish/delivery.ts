import { z } from 'zod';

import { EVENTS, type RunOutput } from '../output/run-output.js';
import type { KeyValueBackend } from '../storage/contracts.js';
import { TypedRecord } from '../storage/records.js';
import type { PinOutcome } from './publisher.js';

/**
 * How many rows of the batch are stored, journaled around every push. `pushing` is written before a push and
 * cleared after it, so a run killed in between knows which rows to look for in its dataset on restart instead of
 * trusting the dataset's item count, which lags behind pushes.
 */
const deliveryProgressSchema = z.object({
    pushed: z.number().int().min(0),
    pushing: z.object({ from: z.number().int().min(0), count: z.number().int().min(1) }).optional(),
});

export const DELIVERY_PROGRESS_KEY = 'PUBLISH-PROGRESS';

/**
 * Stores pin outcomes in input order, one row per pin, whatever order they finish in, and charges `pin-created`
 * for exactly the created ones. After a restart, rows already stored are known and never stored (or charged) again.
 */
export class OrderedDelivery {
    private readonly waiting = new Map<number, PinOutcome>();
    private flushing: Promise<void> = Promise.resolve();
    /** Rows stored per status, for the run's summary. */
    readonly counts: Record<string, number> = {};

    private constructor(
        private readonly output: RunOutput,
        private readonly record: TypedRecord<typeof deliveryProgressSchema>,
        private pushed: number,
    ) {}

    static async open(output: RunOutput, runStore: KeyValueBackend): Promise<OrderedDelivery> {
        const record = new TypedRecord(
            runStore,
            DELIVERY_PROGRESS_KEY,
            deliveryProgressSchema,
            `record ${DELIVERY_PROGRESS_KEY} in the run's key-value store`,
        );
        const progress = (await record.read()) ?? { pushed: 0 };
        let pushed = progress.pushed;
        if (progress.pushing) {
            // The run stopped during a push: the rows that made it into the dataset are the ones to count.
            pushed = progress.pushing.from + (await output.readStoredItems(progress.pushing.from, progress.pushing.count)).length;
            await record.write({ pushed });
        }
        return new OrderedDelivery(output, record, pushed);
    }

    /** Rows at positions up to this one are stored already (positions are 1-based). */
    get storedThrough(): number {
        return this.pushed;
    }

    /** Takes a pin's outcome; stores every row whose turn has come. */
    async add(position: number, outcome: PinOutcome): Promise<void> {
        this.waiting.set(position, outcome);
        this.flushing = this.flushing.then(() => this.flush());
        await this.flushing;
    }

    /**
     * Stores whatever still waits, in position order, even across a gap (a queued pin cancelled while its run
     * restarted leaves its position unused): no outcome is ever left unstored.
     */
    async finish(): Promise<void> {
        await this.flushing;
        const positions = [...this.waiting.keys()].sort((a, b) => a - b);
        for (const position of positions) {
            if (position > this.pushed + 1) this.pushed = position - 1;
            this.flushing = this.flushing.then(() => this.flush());
            await this.flushing;
        }
    }

    private async flush(): Promise<void> {
        for (;;) {
            const group: PinOutcome[] = [];
            // Consecutive rows that are charged alike go in one push.
            for (let position = this.pushed + 1; this.waiting.has(position); position += 1) {
                const outcome = this.waiting.get(position)!;
                if (group.length > 0 && outcome.charged !== group[0]!.charged) break;
                group.push(outcome);
            }
            if (group.length === 0) return;
            const from = this.pushed;
            await this.record.write({ pushed: from, pushing: { from, count: group.length } });
            await this.output.pushRows(
                group.map((outcome) => outcome.row),
                group[0]!.charged ? EVENTS.pinCreated : undefined,
            );
            for (const outcome of group) {
                this.waiting.delete(outcome.row.position);
                this.counts[outcome.row.status] = (this.counts[outcome.row.status] ?? 0) + 1;
            }
            this.pushed = from + group.length;
            await this.record.write({ pushed: this.pushed });
        }
    }
}
