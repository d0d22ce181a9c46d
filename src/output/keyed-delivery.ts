import { z } from 'zod';

import { readProgress, type RunJournal } from '../storage/journal.js';
import type { ChargeEvent, RunOutput } from './run-output.js';

/**
 * Progress of a batch that acts on things one by one (pins to edit or delete), one row each, journaled around every
 * stored page. `plan` is written before a page's writes, so that a restarted run recognises work it did but never
 * stored (a pin already edited by it); `pending` is written before a page is pushed and cleared after, with what a
 * restart needs to tell whether the push and its charge happened.
 */
const keyedProgressSchema = z.object({
    /** Rows stored so far, restarts included. */
    stored: z.number().int().min(0),
    /** Rows stored per status, restarts included: the run's totals come from here, not from one process's memory. */
    counts: z.record(z.string(), z.number().int().min(0)).default({}),
    plan: z.array(z.object({ key: z.string(), data: z.unknown() })).default([]),
    pending: z
        .object({
            /** Dataset position of the page's first row. */
            offset: z.number().int().min(0),
            /** The page's rows by key, in order: a restart recognises them in the dataset. */
            keys: z.array(z.string()),
            /** Events the page owes, and the run's count of them before it. */
            charge: z.number().int().min(0),
            chargedBefore: z.number().int().min(0),
        })
        .optional(),
});
type KeyedProgress = z.infer<typeof keyedProgressSchema>;

/** A row to store, whether it is charged, and the budget held for it until it is. */
export interface KeyedOutcome<R> {
    row: R;
    charged: boolean;
    release?: () => void;
}

export interface KeyedDeliveryOptions<R> {
    output: RunOutput;
    journal: RunJournal;
    /** The row's `type`, and the field that keys it (`pinId`): how a restart finds the rows stored. */
    rowType: string;
    keyField: keyof R & string;
    /** Charged once per charged row. */
    event?: ChargeEvent;
}

/** Dataset items are read this many at a time after a restart. */
const READ_PAGE = 1000;

/**
 * Stores the rows of a batch page by page, one per key, and charges the charged ones. After a restart it knows
 * every key already stored (so none is stored twice), finishes the charge of a page stored just before the
 * restart when the platform says it is owed (the run's charge count survives a migration there), and hands back
 * the plan of the page that was under way.
 */
export class KeyedDelivery<R extends object> {
    private readonly storedKeys = new Set<string>();
    private readonly inherited = new Map<string, unknown>();

    private constructor(
        private readonly options: KeyedDeliveryOptions<R>,
        private progress: KeyedProgress,
    ) {}

    static async open<R extends object>(options: KeyedDeliveryOptions<R>): Promise<KeyedDelivery<R>> {
        const saved = await readProgress(options.journal, keyedProgressSchema);
        const delivery = new KeyedDelivery(options, saved ?? { stored: 0, counts: {}, plan: [] });
        if (saved) await delivery.resume(saved);
        return delivery;
    }

    /** Whether the row of `key` is stored already (by this process or an earlier one of the run). */
    has(key: string): boolean {
        return this.storedKeys.has(key);
    }

    /** What an earlier process of this run planned for `key` and may have done, if its row was never stored. */
    inheritedPlan(key: string): unknown {
        return this.inherited.get(key);
    }

    get stored(): number {
        return this.progress.stored;
    }

    /** Rows stored per status, this run's earlier processes included. */
    get counts(): Record<string, number> {
        return { ...this.progress.counts };
    }

    /** Journals what the next page is about to do, before it does it. */
    async plan(entries: Array<{ key: string; data: unknown }>): Promise<void> {
        const planned = new Set(entries.map((entry) => entry.key));
        const carried = [...this.inherited].filter(([key]) => !planned.has(key)).map(([key, data]) => ({ key, data }));
        this.progress = { ...this.progress, plan: [...carried, ...entries] };
        await this.options.journal.write(this.progress);
    }

    /** Stores a page of rows in order, charges the charged ones, then lets go of the budget held for them. */
    async store(outcomes: Array<KeyedOutcome<R>>): Promise<void> {
        if (outcomes.length === 0) return;
        const { output, journal, event, keyField } = this.options;
        const keys = outcomes.map((outcome) => String(outcome.row[keyField]));
        const charge = event ? outcomes.filter((outcome) => outcome.charged).length : 0;
        const chargedBefore = event ? output.chargedCount(event) : 0;
        await journal.write({ ...this.progress, pending: { offset: this.progress.stored, keys, charge, chargedBefore } } satisfies KeyedProgress);
        await output.pushRows(outcomes.map((outcome) => outcome.row));
        if (event && charge > 0) await output.chargeStored(event, charge);
        for (const outcome of outcomes) outcome.release?.();
        this.record(outcomes.map((outcome) => outcome.row as Record<string, unknown>));
        await journal.write(this.progress);
    }

    private record(rows: Array<Record<string, unknown>>): void {
        const counts = { ...this.progress.counts };
        for (const row of rows) {
            const key = String(row[this.options.keyField]);
            this.storedKeys.add(key);
            this.inherited.delete(key);
            const status = String(row.status);
            counts[status] = (counts[status] ?? 0) + 1;
        }
        const plan = this.progress.plan.filter((entry) => !this.storedKeys.has(entry.key));
        this.progress = { stored: this.progress.stored + rows.length, counts, plan };
    }

    /** A restart: the keys stored before it, the page that was being stored, and the plan under way. */
    private async resume(saved: KeyedProgress): Promise<void> {
        const { output, rowType, keyField, event } = this.options;
        this.progress = { stored: saved.stored, counts: saved.counts, plan: saved.plan };
        for (let offset = 0; offset < saved.stored; offset += READ_PAGE) {
            const items = await output.readStoredItems(offset, Math.min(READ_PAGE, saved.stored - offset));
            for (const item of items) this.storedKeys.add(String(item[keyField]));
        }
        const pending = saved.pending;
        if (pending) {
            // The rows that made it are at the journaled offset, recognised by type and key (the item count lags).
            const items = await output.readStoredItems(pending.offset, pending.keys.length);
            let made = 0;
            while (made < items.length && items[made]?.type === rowType && String(items[made]?.[keyField]) === pending.keys[made]) made += 1;
            this.record(items.slice(0, made));
            // Stored but not (fully) charged: the run stopped between storing the page and charging it. Only the
            // platform knows the run's earlier charges; locally the page stays uncharged rather than charged twice.
            const owed = pending.charge - (event ? output.chargedCount(event) - pending.chargedBefore : 0);
            if (event && made === pending.keys.length && output.knowsEarlierCharges && owed > 0) await output.chargeStored(event, owed);
        }
        for (const entry of this.progress.plan) if (!this.storedKeys.has(entry.key)) this.inherited.set(entry.key, entry.data);
        await this.options.journal.write(this.progress);
    }
}
