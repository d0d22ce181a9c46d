import { z } from 'zod';

import type { DatasetItem } from '../items.js';
import type { RunJournal } from '../journal.js';
import { EVENTS, type RunOutput } from '../output.js';
import type { ListOptions, ListPage } from '../pinterest/client.js';

export interface ListDelivery {
    delivered: number;
    /** The run's maximum charge, not the list's end or maxItems, cut the list short. */
    stoppedByBudget: boolean;
}

/** Progress of a list, journaled after each stored page so a restarted run resumes where it stopped. */
const listProgressSchema = z.object({
    delivered: z.number().int().min(0),
    /** Bookmark of the next page to fetch; null for the first page. */
    cursor: z.string().nullable(),
    stoppedByBudget: z.boolean(),
    done: z.boolean(),
});
type ListProgress = z.infer<typeof listProgressSchema>;

export interface DeliverListOptions<T> {
    maxItems: number;
    output: RunOutput;
    journal: RunJournal;
    toItem: (value: T) => DatasetItem;
}

/**
 * Stores a paginated list page by page. Each page is stored and charged before the next one is requested, so a
 * failure later keeps what was delivered, a spent budget stops the requests at once, and a restarted run
 * neither repeats nor skips an item.
 */
export async function deliverList<T>(
    list: (options: ListOptions) => AsyncIterable<ListPage<T>>,
    { maxItems, output, journal, toItem }: DeliverListOptions<T>,
): Promise<ListDelivery> {
    const saved = listProgressSchema.safeParse(await journal.read());
    let progress: ListProgress = saved.success ? saved.data : { delivered: 0, cursor: null, stoppedByBudget: false, done: false };
    const summary = (): ListDelivery => ({ delivered: progress.delivered, stoppedByBudget: progress.stoppedByBudget && progress.delivered < maxItems });
    if (progress.done) return summary();

    // A restart between storing a page and journaling it leaves stored items the journal does not count yet:
    // they are the first ones of the page at the cursor, so fetch that page again and skip them.
    let storedUncounted = Math.max(0, (await output.storedItemCount()) - progress.delivered);
    const remaining = maxItems - progress.delivered - storedUncounted;
    const affordable = Math.max(0, Math.min(remaining, output.budgetFor(EVENTS.itemFetched)));
    const stoppedByBudget = affordable < remaining;

    let listEnded = false;
    for await (const page of list({ maxItems: storedUncounted + affordable, bookmark: progress.cursor ?? undefined })) {
        listEnded = page.nextBookmark === null;
        const skipped = Math.min(storedUncounted, page.items.length);
        storedUncounted -= skipped;
        const fresh = page.items.slice(skipped);
        const result = await output.pushFetched(fresh.map(toItem));
        const moreLeft = page.nextBookmark !== null || result.delivered < fresh.length;
        progress = {
            delivered: progress.delivered + skipped + result.delivered,
            cursor: page.nextBookmark,
            // The budget only "stopped" the list if the list had more to give.
            stoppedByBudget: (stoppedByBudget || result.budgetExhausted) && moreLeft,
            done: result.budgetExhausted || !page.nextBookmark,
        };
        await journal.write(progress);
        if (result.budgetExhausted) break;
    }
    if (!progress.done) await journal.write((progress = { ...progress, stoppedByBudget: stoppedByBudget && !listEnded, done: true }));
    return summary();
}

export const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

export const budgetNote = (delivery: ListDelivery) => (delivery.stoppedByBudget ? ' (stopped at the maximum charge you set for this run)' : '');
