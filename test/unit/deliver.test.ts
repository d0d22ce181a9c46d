import { describe, expect, it } from 'vitest';

import type { DatasetItem } from '../../src/output/items.js';
import type { RunJournal } from '../../src/storage/journal.js';
import { deliverList } from '../../src/output/list-delivery.js';
import { RecordCorruptError } from '../../src/storage/records.js';
import type { RunOutput } from '../../src/output/run-output.js';
import type { ListOptions, ListPage } from '../../src/pinterest/client.js';

/** A list of `total` numbered items served in pages of up to 250, with bookmarks, like the client yields. */
function fakeList(total: number, requests: ListOptions[]) {
    return async function* list(options: ListOptions): AsyncGenerator<ListPage<number>> {
        let position = options.bookmark ? Number(options.bookmark) : 0;
        let left = options.maxItems;
        while (left > 0 && position < total) {
            requests.push({ ...options, bookmark: String(position), maxItems: left });
            const items = Array.from({ length: Math.min(250, left, total - position) }, (_, index) => position + index);
            position += items.length;
            left -= items.length;
            yield { items, nextBookmark: position < total ? String(position) : null };
        }
    };
}

/** A dataset in memory; `itemCount` lags like the platform's, so nothing may trust it. */
function memoryOutput(budget = Number.POSITIVE_INFINITY): RunOutput & { stored: DatasetItem[]; progressed: string[]; itemCount: () => number } {
    let left = budget;
    const output = {
        stored: [] as DatasetItem[],
        progressed: [] as string[],
        itemCount: () => 0,
        budgetFor: () => left,
        reserve: () => () => undefined,
        chargedCount: () => 0,
        knowsEarlierCharges: false,
        async chargeStored(): Promise<never> {
            throw new Error('not used');
        },
        async readStoredItems(offset: number, limit: number) {
            return output.stored.slice(offset, offset + limit) as unknown as Array<Record<string, unknown>>;
        },
        async pushFetched(items: DatasetItem[]) {
            const allowed = items.slice(0, Math.max(0, left));
            output.stored.push(...allowed);
            left -= allowed.length;
            return { delivered: allowed.length, budgetExhausted: left <= 0 };
        },
        async pushRows(): Promise<never> {
            throw new Error('not used');
        },
        async saveRecord(): Promise<never> {
            throw new Error('not used');
        },
        chargedEvents: () => ({}),
        async progress(message: string) {
            output.progressed.push(message);
        },
    };
    return output;
}

function memoryJournal(initial?: unknown): RunJournal & { entry: unknown; history: unknown[] } {
    return {
        entry: initial,
        history: [],
        async read() {
            return this.entry;
        },
        async write(entry) {
            this.entry = entry;
            this.history.push(entry);
        },
    };
}

const toItem = (value: number) => ({ type: 'pin', id: String(value) }) as unknown as DatasetItem;
const ids = (items: DatasetItem[]) => items.map((item) => Number('id' in item ? item.id : NaN));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => from + index);

const inProgress = (fields: Record<string, unknown>) => ({ stoppedByBudget: false, done: false, hasMore: false, pending: null, ...fields });

describe('deliverList', () => {
    it('stores every page and journals the cursor after each', async () => {
        const output = memoryOutput();
        const journal = memoryJournal();
        const delivery = await deliverList(fakeList(600, []), { maxItems: 600, output, journal, toItem });
        expect(delivery).toEqual({ delivered: 600, stoppedByBudget: false, hasMore: false });
        expect(ids(output.stored)).toEqual(range(0, 600));
        expect(journal.entry).toEqual({ delivered: 600, cursor: null, stoppedByBudget: false, done: true, hasMore: false, pending: null });
    });

    it('journals where a page goes in the dataset before pushing it', async () => {
        const journal = memoryJournal();
        await deliverList(fakeList(600, []), { maxItems: 600, output: memoryOutput(), journal, toItem });
        const pendings = journal.history.map((entry) => (entry as { pending: unknown }).pending).filter(Boolean);
        expect(pendings).toEqual([
            { offset: 0, count: 250, bookmark: null },
            { offset: 250, count: 250, bookmark: '250' },
            { offset: 500, count: 100, bookmark: '500' },
        ]);
    });

    it('resumes at the journaled cursor', async () => {
        const output = memoryOutput();
        output.stored.push(...range(0, 250).map(toItem));
        const requests: ListOptions[] = [];
        const delivery = await deliverList(fakeList(600, requests), {
            maxItems: 600,
            output,
            journal: memoryJournal(inProgress({ delivered: 250, cursor: '250' })),
            toItem,
        });
        expect(delivery.delivered).toBe(600);
        expect(ids(output.stored)).toEqual(range(0, 600));
        expect(requests[0]).toMatchObject({ bookmark: '250', maxItems: 350 });
    });

    it('reads what made it into the dataset at the journaled offset, not the lagging item count', async () => {
        const output = memoryOutput();
        // Page two (250–499) was stored, then the run died before journaling it; the item count still says 250.
        output.stored.push(...range(0, 500).map(toItem));
        output.itemCount = () => 250;
        const requests: ListOptions[] = [];
        const journal = memoryJournal(inProgress({ delivered: 250, cursor: '250', pending: { offset: 250, count: 250, bookmark: '250' } }));
        const delivery = await deliverList(fakeList(600, requests), { maxItems: 600, output, journal, toItem });
        expect(delivery.delivered).toBe(600);
        expect(ids(output.stored)).toEqual(range(0, 600));
        expect(requests[0]).toMatchObject({ bookmark: '250' });
    });

    it('stores the rest of a page that made it only in part', async () => {
        const output = memoryOutput();
        output.stored.push(...range(0, 320).map(toItem));
        const journal = memoryJournal(inProgress({ delivered: 250, cursor: '250', pending: { offset: 250, count: 250, bookmark: '250' } }));
        const delivery = await deliverList(fakeList(600, []), { maxItems: 600, output, journal, toItem });
        expect(delivery.delivered).toBe(600);
        expect(ids(output.stored)).toEqual(range(0, 600));
    });

    it('stores a page again when none of it made it, including the very first', async () => {
        const output = memoryOutput();
        const journal = memoryJournal(inProgress({ delivered: 0, cursor: null, pending: { offset: 0, count: 250, bookmark: null } }));
        const delivery = await deliverList(fakeList(300, []), { maxItems: 300, output, journal, toItem });
        expect(delivery.delivered).toBe(300);
        expect(ids(output.stored)).toEqual(range(0, 300));
    });

    it('stops with a sentence naming the journal when it is damaged, instead of starting again', async () => {
        const output = memoryOutput();
        const run = deliverList(fakeList(300, []), { maxItems: 300, output, journal: memoryJournal({ delivered: 'many' }), toItem });
        await expect(run).rejects.toThrow(RecordCorruptError);
        await expect(run).rejects.toThrow(/^The run progress \(record RUN-PROGRESS in the run's default key-value store\) is damaged \(delivered: /);
        expect(output.stored).toEqual([]);
    });

    it('does nothing again once the list is done', async () => {
        const requests: ListOptions[] = [];
        const delivery = await deliverList(fakeList(600, requests), {
            maxItems: 600,
            output: memoryOutput(),
            journal: memoryJournal({ delivered: 40, cursor: null, stoppedByBudget: false, done: true }),
            toItem,
        });
        expect(delivery.delivered).toBe(40);
        expect(requests).toEqual([]);
    });

    it('fetches only what the budget pays for and says it stopped because of it', async () => {
        const requests: ListOptions[] = [];
        const output = memoryOutput(30);
        const delivery = await deliverList(fakeList(600, requests), { maxItems: 100, output, journal: memoryJournal(), toItem });
        expect(delivery).toEqual({ delivered: 30, stoppedByBudget: true, hasMore: true });
        expect(requests.map((request) => request.maxItems)).toEqual([30]);
    });

    it('says the budget stopped it when the budget allows nothing at all', async () => {
        const requests: ListOptions[] = [];
        const delivery = await deliverList(fakeList(600, requests), { maxItems: 100, output: memoryOutput(0), journal: memoryJournal(), toItem });
        expect(delivery).toMatchObject({ delivered: 0, stoppedByBudget: true });
        expect(requests).toEqual([]);
    });

    it('does not blame the budget when the list simply ends', async () => {
        const delivery = await deliverList(fakeList(20, []), { maxItems: 100, output: memoryOutput(50), journal: memoryJournal(), toItem });
        expect(delivery).toEqual({ delivered: 20, stoppedByBudget: false, hasMore: false });
    });

    it('says when maxItems, not the list end, stopped it', async () => {
        expect(await deliverList(fakeList(600, []), { maxItems: 260, output: memoryOutput(), journal: memoryJournal(), toItem })).toEqual({
            delivered: 260,
            stoppedByBudget: false,
            hasMore: true,
        });
        expect(await deliverList(fakeList(260, []), { maxItems: 260, output: memoryOutput(), journal: memoryJournal(), toItem })).toMatchObject({
            hasMore: false,
        });
    });

    it('tells its progress after every page', async () => {
        const output = memoryOutput();
        await deliverList(fakeList(1_300, []), { maxItems: 5_000, output, journal: memoryJournal(), toItem, noun: 'pin' });
        expect(output.progressed).toEqual([
            'Fetched 250 of up to 5,000 pins.',
            'Fetched 500 of up to 5,000 pins.',
            'Fetched 750 of up to 5,000 pins.',
            'Fetched 1,000 of up to 5,000 pins.',
            'Fetched 1,250 of up to 5,000 pins.',
            'Fetched 1,300 of up to 5,000 pins.',
        ]);
    });
});
