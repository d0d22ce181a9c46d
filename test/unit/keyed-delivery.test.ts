import { describe, expect, it } from 'vitest';

import { KeyedDelivery, type KeyedOutcome } from '../../src/output/keyed-delivery.js';
import type { RunOutput } from '../../src/output/run-output.js';
import type { RunJournal } from '../../src/storage/journal.js';

interface Row {
    type: 'pinUpdate';
    pinId: string;
    status: string;
}

/**
 * A run's dataset and charges in memory. `platform` says whether the run's charge count survives a restart (it
 * does on the platform, not locally); `failCharge` makes the next charge fail, as a run killed right after storing.
 */
function memoryOutput({ platform = true } = {}) {
    const state = { stored: [] as Row[], charged: 0, failCharge: false };
    const output: RunOutput = {
        budgetFor: () => Infinity,
        reserve: () => () => undefined,
        chargedCount: () => state.charged,
        knowsEarlierCharges: platform,
        async chargeStored(_event, count) {
            if (state.failCharge) throw new Error('killed');
            state.charged += count;
        },
        async readStoredItems(offset, limit) {
            return state.stored.slice(offset, offset + limit) as unknown as Array<Record<string, unknown>>;
        },
        async pushFetched() {
            throw new Error('not used');
        },
        async pushRows(rows) {
            state.stored.push(...(rows as Row[]));
            return { delivered: rows.length, budgetExhausted: false };
        },
        async saveRecord() {},
        chargedEvents: () => ({}),
    };
    return { output, state };
}

function memoryJournal(): RunJournal & { entry: unknown } {
    return {
        entry: undefined,
        async read() {
            return structuredClone(this.entry);
        },
        async write(entry) {
            this.entry = structuredClone(entry);
        },
    };
}

const open = (output: RunOutput, journal: RunJournal) =>
    KeyedDelivery.open<Row>({ output, journal, rowType: 'pinUpdate', keyField: 'pinId', event: 'pin-updated' });
const outcome = (pinId: string, status: string, released: string[] = []): KeyedOutcome<Row> => ({
    row: { type: 'pinUpdate', pinId, status },
    charged: status === 'updated',
    release: () => released.push(pinId),
});

describe('KeyedDelivery', () => {
    it('stores pages in order, charges each charged row once, and lets go of the budget held for them after', async () => {
        const { output, state } = memoryOutput();
        const delivery = await open(output, memoryJournal());
        const released: string[] = [];
        await delivery.store([outcome('1', 'updated', released), outcome('2', 'unchanged', released), outcome('3', 'updated', released)]);
        await delivery.store([outcome('4', 'failed', released)]);
        expect(state.stored.map((row) => row.pinId)).toEqual(['1', '2', '3', '4']);
        expect(state.charged).toBe(2);
        expect(released).toEqual(['1', '2', '3', '4']);
        expect(delivery.counts).toEqual({ updated: 2, unchanged: 1, failed: 1 });
        expect(delivery.stored).toBe(4);
        expect(delivery.has('3') && !delivery.has('5')).toBe(true);
    });

    it('after a restart knows every row stored before it, and stores none of them again', async () => {
        const { output, state } = memoryOutput();
        const journal = memoryJournal();
        const first = await open(output, journal);
        await first.store([outcome('1', 'updated'), outcome('2', 'updated')]);
        const again = await open(output, journal);
        expect(again.has('1') && again.has('2')).toBe(true);
        expect(again.counts).toEqual({ updated: 2 });
        await again.store([outcome('3', 'updated')]);
        expect(state.stored.map((row) => row.pinId)).toEqual(['1', '2', '3']);
        expect(state.charged).toBe(3);
    });

    it('finishes the charge of a page stored just before a restart, on the platform, and never charges it twice', async () => {
        const { output, state } = memoryOutput({ platform: true });
        const journal = memoryJournal();
        const first = await open(output, journal);
        await first.store([outcome('1', 'updated')]);
        state.failCharge = true;
        await expect(first.store([outcome('2', 'updated'), outcome('3', 'unchanged'), outcome('4', 'updated')])).rejects.toThrow('killed');
        state.failCharge = false;
        expect(state.charged).toBe(1);

        const again = await open(output, journal);
        expect(state.charged).toBe(3);
        expect(again.has('4')).toBe(true);
        expect(again.counts).toEqual({ updated: 3, unchanged: 1 });
        // A second restart owes nothing more.
        await open(output, journal);
        expect(state.charged).toBe(3);
        expect(state.stored).toHaveLength(4);
    });

    it('locally, where earlier charges are unknown, leaves such a page uncharged rather than charging it twice', async () => {
        const { output, state } = memoryOutput({ platform: false });
        const journal = memoryJournal();
        const first = await open(output, journal);
        state.failCharge = true;
        await expect(first.store([outcome('1', 'updated')])).rejects.toThrow('killed');
        state.failCharge = false;
        const again = await open(output, journal);
        expect(again.has('1')).toBe(true);
        expect(state.charged).toBe(0);
    });

    it('takes a page whose push never happened as not stored, and hands back the plan of the page under way', async () => {
        const { output, state } = memoryOutput();
        const journal = memoryJournal();
        const first = await open(output, journal);
        await first.store([outcome('1', 'unchanged')]);
        await first.plan([
            { key: '2', data: { pinTitle: { before: 'a', after: 'b' } } },
            { key: '3', data: { pinTitle: { before: 'c', after: 'd' } } },
        ]);
        // Killed while sending: nothing of the page stored.
        const again = await open(output, journal);
        expect(again.has('2')).toBe(false);
        expect(again.inheritedPlan('2')).toEqual({ pinTitle: { before: 'a', after: 'b' } });
        expect(again.inheritedPlan('1')).toBeUndefined();
        // A new plan keeps what the earlier one still owes; storing the rows lets go of both.
        await again.plan([{ key: '4', data: {} }]);
        const third = await open(output, journal);
        expect(third.inheritedPlan('3')).toEqual({ pinTitle: { before: 'c', after: 'd' } });
        await third.store([outcome('2', 'updated'), outcome('3', 'updated'), outcome('4', 'updated')]);
        const fourth = await open(output, journal);
        expect(fourth.inheritedPlan('2')).toBeUndefined();
        expect(fourth.inheritedPlan('4')).toBeUndefined();
        expect(state.charged).toBe(3);
    });
});
