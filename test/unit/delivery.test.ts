import { describe, expect, it } from 'vitest';

import { EVENTS } from '../../src/output/events.js';
import { pinResultItem, type PinResultStatus } from '../../src/output/items.js';
import { DELIVERY_PROGRESS_KEY, OrderedDelivery } from '../../src/publish/delivery.js';
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
        expect(positions(output.items)).toEqual([1, 2, 3, 4]);
        expect(output.chargedHere[EVENTS.pinCreated]).toBe(2);
        expect(delivery.counts).toEqual({ created: 2, failed: 1, 'skipped-duplicate': 1 });
        expect(delivery.storedThrough).toBe(4);
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
