import type { DatasetItem } from '../items.js';
import { EVENTS, type RunOutput } from '../output.js';

export interface ListDelivery {
    delivered: number;
    /** Stopped early because the user's maximum charge for the run was reached. */
    stoppedByBudget: boolean;
}

/** How many items a list may fetch: what the user asked for, capped by what their budget can pay for. */
export function itemsWithinBudget(maxItems: number, output: RunOutput): number {
    return Math.max(0, Math.min(maxItems, output.budgetFor(EVENTS.itemFetched)));
}

/**
 * Stores a paginated list page by page. Each page is stored and charged before the next one is requested, so a
 * failure later in the list keeps what was delivered, and a spent budget stops the requests at once.
 */
export async function deliverPages<T>(
    pages: AsyncIterable<T[]>,
    toItem: (value: T) => DatasetItem,
    output: RunOutput,
): Promise<ListDelivery> {
    let delivered = 0;
    for await (const page of pages) {
        const result = await output.pushFetched(page.map(toItem));
        delivered += result.delivered;
        if (result.budgetExhausted) return { delivered, stoppedByBudget: true };
    }
    return { delivered, stoppedByBudget: false };
}

export const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Says so when the run's maximum charge, not the list's end or maxItems, cut the list short. */
export function budgetNote(delivery: ListDelivery, maxItems: number, wanted: number): string {
    const cutByBudget = delivery.stoppedByBudget || wanted < maxItems;
    return cutByBudget && delivery.delivered < maxItems ? ' (stopped at the maximum charge you set for this run)' : '';
}
