import { describe, expect, it } from 'vitest';

import { pinResultItem, type PinResultStatus } from '../../src/output/items.js';
import type { RunOutput } from '../../src/output/run-output.js';
import { DELIVERY_PROGRESS_KEY, OrderedDelivery } from '../../src/publish/delivery.js';
import type { PinOutcome } from '../../src/publish/publisher.js';

/** A dataset and a key-value store in memory, recording every push and whether it was charged. */
function memory(preStored: object[] = []) {
    const rows: object[] = [...preStored];
    const pushes: Array<{ positions: number[]; charged: boolean }> = [];
    const records = new Map<string, unknown>();
    const output = {
        budgetFor: () => Number.POSITIVE_INFINITY,
        chargedCount: () => 0,
        knowsEarlierCharges: false,
        pushFetched: async () => ({ delivered: 0, budgetExhausted: false }),
        async pushRows(batch: object[], event?: string) {
            rows.push(...batch);
            pushes.push({ positions: batch.map((row) => (row as { position: number }).position), charged: event === 'pin-created' });
            return { delivered: batch.length, budgetExhausted: false };
        },
        readStoredItems: async (offset: number, limit: number) => rows.slice(offset, offset + limit) as Array<Record<string, unknown>>,
        saveRecord: async () => undefined,
        chargedEvents: () => ({}),
    } as unknown as RunOutput;
    const store = {
        getValue: async (key: string) => records.get(key),
        setValue: async (key: string, value: unknown) => void records.set(key, value),
    };
    return { output, store, rows, pushes, records };
}

const outcome = (position: number, status: PinResultStatus = 'created'): PinOutcome => ({
    row: pinResultItem({ status, position, source: `pins[${position - 1}]` }),
    charged: status === 'created',
});

describe('OrderedDelivery', () => {
    it('stores rows in position order whatever order they finish in, charging only created pins', async () => {
        const { output, store, rows, pushes } = memory();
        const delivery = await OrderedDelivery.open(output, store);
        await delivery.add(2, outcome(2));
        await delivery.add(3, outcome(3, 'failed'));
        expect(rows).toEqual([]);
        await delivery.add(1, outcome(1));
        await delivery.add(4, outcome(4, 'skipped-duplicate'));
        expect(rows.map((row) => (row as { position: number }).position)).toEqual([1, 2, 3, 4]);
        // Each run of consecutive rows charged alike is one push, made as soon as its turn comes.
        expect(pushes).toEqual([
            { positions: [1, 2], charged: true },
            { positions: [3], charged: false },
            { positions: [4], charged: false },
        ]);
        expect(delivery.counts).toEqual({ created: 2, failed: 1, 'skipped-duplicate': 1 });
        expect(delivery.storedThrough).toBe(4);
    });

    it('after a restart during a push, counts the rows that reached the dataset rather than storing them again', async () => {
        // Two of three rows made it before the run died; the journal still says the push was under way.
        const { output, store, records } = memory([outcome(1).row, outcome(2).row]);
        records.set(DELIVERY_PROGRESS_KEY, {
            pushed: 0,
            pending: { from: 0, count: 2, charged: true, chargedBefore: 0, counts: { created: 2 } },
        });
        const delivery = await OrderedDelivery.open(output, store);
        expect(delivery.storedThrough).toBe(2);
        expect(records.get(DELIVERY_PROGRESS_KEY)).toEqual({ pushed: 2, counts: { created: 2 } });
    });

    it('stores what still waits at the end, across a position nobody filled', async () => {
        const { output, store, rows } = memory();
        const delivery = await OrderedDelivery.open(output, store);
        await delivery.add(1, outcome(1));
        await delivery.add(3, outcome(3));
        expect(rows).toHaveLength(1);
        await delivery.finish();
        expect(rows.map((row) => (row as { position: number }).position)).toEqual([1, 3]);
    });
});
