import { describe, expect, it } from 'vitest';

import { EVENTS } from '../../src/output/events.js';
import { pinResultItem, type PinResultStatus } from '../../src/output/items.js';
import { DELIVERY_PROGRESS_KEY, FREE_ROWS_PER_PUSH, OrderedDelivery } from '../../src/publish/delivery.js';
import type { PinOutcome } from '../../src/publish/rows.js';
import { memoryOutput } from './support/fakes.js';

/** The run's default store in memory. */
function runStore(records = new Map<string, unknown>()) {
    return {
        records,
        getValue: async (key: string) => records.get(key),
        setValue: async (key: string, value: unknown) => void records.set(key, value),
    };
}

const outcome = (position: number, status: PinResultStatus = 'created'): PinOutcome => ({
    row: pinResultItem({ status, position, source: `pins[${position - 1}]` }),
    charged: status === 'created',
});
const positions = (items: Array<Record<string, unknown>>) => items.map((item) => item.position);

/** A run killed inside its push of the rows at positions `from + 1` …: what a restarted run finds. */
async function killedDuringPush(options: { platform: boolean; storedRows: number; chargedRows: number; readLag?: number }) {
    const stored = [1, 2, 3].slice(0, options.storedRows).map((position) => outcome(position).row);
    const output = memoryOutput({
        items: stored,
        chargedBefore: { [EVENTS.pinCreated]: options.chargedRows },
        knowsEarlierCharges: options.platform,
        readLag: options.readLag,
    });
    const store = runStore();
    store.records.set(DELIVERY_PROGRESS_KEY, {
        pushed: 0,
        counts: {},
        pending: { from: 0, count: 3, charged: true, chargedBefore: 0, counts: { created: 3 } },
    });
    return { output, store, delivery: await OrderedDelivery.open(output, store) };
}

describe('OrderedDelivery', () => {
    it('stores rows in position order whatever order they finish in, charging only created pins', async () => {
        const output = memoryOutput();
        const delivery = await OrderedDelivery.open(output, runStore());
        await delivery.add(2, outcome(2));
        await delivery.add(3, outcome(3, 'failed'));
        expect(output.items).toEqual([]);
        await delivery.add(1, outcome(1));
        await delivery.add(4, outcome(4, 'skipped-duplicate'));
        // The created pins are stored at once; the free rows after them wait for more, or for the end.
        expect(positions(output.items)).toEqual([1, 2]);
        await delivery.finish();
        expect(positions(output.items)).toEqual([1, 2, 3, 4]);
        expect(output.chargedHere[EVENTS.pinCreated]).toBe(2);
        expect(delivery.counts).toEqual({ created: 2, failed: 1, 'skipped-duplicate': 1 });
        expect(delivery.storedThrough).toBe(4);
    });

    it(`stores free rows in pushes of ${FREE_ROWS_PER_PUSH}, and a charged row, or one a caller waits on, as soon as its turn comes`, async () => {
        const output = memoryOutput();
        const pushes: number[] = [];
        const pushRows = output.pushRows.bind(output);
        output.pushRows = async (rows, event) => {
            pushes.push(rows.length);
            return pushRows(rows, event);
        };
        const store = runStore();
        let journalWrites = 0;
        const delivery = await OrderedDelivery.open(output, {
            ...store,
            setValue: async (key, value) => void ((journalWrites += 1), store.records.set(key, value)),
        });
        const free = 2 * FREE_ROWS_PER_PUSH + 50;
        for (let position = 1; position <= free; position += 1) await delivery.add(position, outcome(position, 'would-create'));
        expect(pushes).toEqual([FREE_ROWS_PER_PUSH, FREE_ROWS_PER_PUSH]);
        let stored = false;
        await delivery.add(free + 1, outcome(free + 1, 'failed'), async () => void (stored = true));
        expect(pushes).toEqual([FREE_ROWS_PER_PUSH, FREE_ROWS_PER_PUSH, 51]);
        await delivery.add(free + 2, outcome(free + 2));
        expect(pushes.at(-1)).toBe(1);
        await delivery.finish();
        expect(stored).toBe(true);
        expect(positions(output.items)).toEqual(Array.from({ length: free + 2 }, (_, index) => index + 1));
        // Two journal writes a push: before it (what is pending) and after it.
        expect(journalWrites).toBe(2 * pushes.length);
    });

    it('stores what still waits at the end, across a position nobody filled', async () => {
        const output = memoryOutput();
        const delivery = await OrderedDelivery.open(output, runStore());
        await delivery.add(1, outcome(1));
        await delivery.add(3, outcome(3));
        expect(output.items).toHaveLength(1);
        await delivery.finish();
        expect(positions(output.items)).toEqual([1, 3]);
    });

    it('calls back once a row is stored, and only then', async () => {
        const delivery = await OrderedDelivery.open(memoryOutput(), runStore());
        const stored: number[] = [];
        await delivery.add(2, outcome(2), async () => void stored.push(2));
        expect(stored).toEqual([]);
        await delivery.add(1, outcome(1), async () => void stored.push(1));
        await delivery.finish();
        expect(stored).toEqual([1, 2]);
    });

    it('keeps its counts across a restart: the run’s totals are what was stored, not what one process saw', async () => {
        const store = runStore();
        const first = await OrderedDelivery.open(memoryOutput(), store);
        await first.add(1, outcome(1));
        await first.add(2, outcome(2, 'failed'));
        await first.finish();
        const restarted = await OrderedDelivery.open(memoryOutput(), store);
        await restarted.add(3, outcome(3));
        expect(restarted.counts).toEqual({ created: 2, failed: 1 });
        expect(restarted.storedThrough).toBe(3);
    });
});

describe('OrderedDelivery after a restart in the middle of a push', () => {
    it('on the platform, trusts the run’s charge count: pushed and charged means stored, even when the dataset lags', async () => {
        const { output, delivery } = await killedDuringPush({ platform: true, storedRows: 3, chargedRows: 3, readLag: 1 });
        expect(delivery.storedThrough).toBe(3);
        expect(delivery.counts).toEqual({ created: 3 });
        expect(output.chargedHere[EVENTS.pinCreated]).toBeUndefined();
    });

    it('on the platform, charges rows that were stored but not charged (killed between the push and its charge)', async () => {
        const { output, delivery } = await killedDuringPush({ platform: true, storedRows: 3, chargedRows: 0 });
        expect(delivery.storedThrough).toBe(3);
        expect(output.chargedHere[EVENTS.pinCreated]).toBe(3);
    });

    it('pushes again what never arrived: nothing stored, nothing charged', async () => {
        const { output, store, delivery } = await killedDuringPush({ platform: true, storedRows: 0, chargedRows: 0 });
        expect(delivery.storedThrough).toBe(0);
        expect(store.records.get(DELIVERY_PROGRESS_KEY)).toEqual({ pushed: 0, counts: {} });
        await delivery.add(1, outcome(1));
        await delivery.add(2, outcome(2));
        await delivery.add(3, outcome(3));
        expect(positions(output.items)).toEqual([1, 2, 3]);
        expect(output.chargedHere[EVENTS.pinCreated]).toBe(3);
    });

    it('locally, where charges are not known across processes, recognises the stored rows by their positions', async () => {
        const { delivery } = await killedDuringPush({ platform: false, storedRows: 3, chargedRows: 0 });
        expect(delivery.storedThrough).toBe(3);
    });
});
