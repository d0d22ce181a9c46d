import { describe, expect, it } from 'vitest';

import type { DatasetItem } from '../../src/items.js';
import type { RunJournal } from '../../src/journal.js';
import { deliverList } from '../../src/modes/deliver.js';
import type { RunOutput } from '../../src/output.js';
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

function memoryOutput(budget = Number.POSITIVE_INFINITY): RunOutput & { stored: DatasetItem[] } {
    let left = budget;
    return {
        stored: [],
        budgetFor: () => left,
        async storedItemCount() {
            return this.stored.length;
        },
        async pushFetched(items) {
            const allowed = items.slice(0, Math.max(0, left));
            this.stored.push(...allowed);
            left -= allowed.length;
            return { delivered: allowed.length, budgetExhausted: left <= 0 };
        },
        async pushRows() {
            throw new Error('not used');
        },
        async saveRecord() {
            throw new Error('not used');
        },
        chargedEvents: () => ({}),
    };
}

function memoryJournal(initial?: unknown): RunJournal & { entry: unknown } {
    return {
        entry: initial,
        async read() {
            return this.entry;
        },
        async write(entry) {
            this.entry = entry;
        },
    };
}

const toItem = (value: number) => ({ type: 'pin', id: String(value) }) as unknown as DatasetItem;
const ids = (items: DatasetItem[]) => items.map((item) => Number('id' in item ? item.id : NaN));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => from + index);

describe('deliverList', () => {
    it('stores every page and journals the cursor after each', async () => {
        const output = memoryOutput();
        const journal = memoryJournal();
        const delivery = await deliverList(fakeList(600, []), { maxItems: 600, output, journal, toItem });
        expect(delivery).toEqual({ delivered: 600, stoppedByBudget: false });
        expect(ids(output.stored)).toEqual(range(0, 600));
        expect(journal.entry).toEqual({ delivered: 600, cursor: null, stoppedByBudget: false, done: true });
    });

    it('resumes at the journaled cursor', async () => {
        const output = memoryOutput();
        output.stored.push(...range(0, 250).map(toItem));
        const requests: ListOptions[] = [];
        const delivery = await deliverList(fakeList(600, requests), {
            maxItems: 600,
            output,
            journal: memoryJournal({ delivered: 250, cursor: '250', stoppedByBudget: false, done: false }),
            toItem,
        });
        expect(delivery.delivered).toBe(600);
        expect(ids(output.stored)).toEqual(range(0, 600));
        expect(requests[0]).toMatchObject({ bookmark: '250', maxItems: 350 });
    });

    it('skips what was stored but not yet journaled when the run died in between', async () => {
        const output = memoryOutput();
        // Page two (250–499) was stored, then the run died before journaling it.
        output.stored.push(...range(0, 500).map(toItem));
        const delivery = await deliverList(fakeList(600, []), {
            maxItems: 600,
            output,
            journal: memoryJournal({ delivered: 250, cursor: '250', stoppedByBudget: false, done: false }),
            toItem,
        });
        expect(delivery.delivered).toBe(600);
        expect(ids(output.stored)).toEqual(range(0, 600));
    });

    it('handles a death before the first journal entry too', async () => {
        const output = memoryOutput();
        output.stored.push(...range(0, 100).map(toItem));
        const delivery = await deliverList(fakeList(300, []), { maxItems: 300, output, journal: memoryJournal(), toItem });
        expect(delivery.delivered).toBe(300);
        expect(ids(output.stored)).toEqual(range(0, 300));
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
        expect(delivery).toEqual({ delivered: 30, stoppedByBudget: true });
        expect(requests.map((request) => request.maxItems)).toEqual([30]);
    });

    it('says the budget stopped it when the budget allows nothing at all', async () => {
        const requests: ListOptions[] = [];
        const delivery = await deliverList(fakeList(600, requests), { maxItems: 100, output: memoryOutput(0), journal: memoryJournal(), toItem });
        expect(delivery).toEqual({ delivered: 0, stoppedByBudget: true });
        expect(requests).toEqual([]);
    });

    it('does not blame the budget when the list simply ends', async () => {
        const delivery = await deliverList(fakeList(20, []), { maxItems: 100, output: memoryOutput(50), journal: memoryJournal(), toItem });
        expect(delivery).toEqual({ delivered: 20, stoppedByBudget: false });
    });
});
