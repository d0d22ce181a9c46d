import { Actor } from 'apify';

import { ActorError } from '../common/errors.js';
import type { DatasetItem } from './items.js';

/** Pay-per-event events. Prices are set in Apify Console; names must match it. */
export const EVENTS = {
    itemFetched: 'item-fetched',
    pinCreated: 'pin-created',
} as const;
export type ChargeEvent = (typeof EVENTS)[keyof typeof EVENTS];

/** The user's maximum charge for the run cannot pay for the next irreversible step, so it is not taken. */
export class ChargeLimitError extends ActorError {
    override name = 'ChargeLimitError';
}

export interface DeliveryResult {
    /** Rows stored in the dataset (and charged, when an event was given). */
    delivered: number;
    /** The user's maximum charge for this run is reached: stop working. */
    budgetExhausted: boolean;
}

/**
 * Where results go. Storing and charging happen together here, and only here, so a row is never charged without
 * being stored or stored-and-charged twice by one call. Handlers depend on this interface, not on the SDK.
 */
export interface RunOutput {
    /** How many more `event`s the user's budget allows this run (Infinity when not charging per event). */
    budgetFor(event: ChargeEvent): number;
    /**
     * Items of the run's dataset from position `offset` (0-based), at most `limit`: after a restart, which items of
     * a page being stored made it. (The dataset's `itemCount` lags behind pushes, so it is not asked.)
     */
    readStoredItems(offset: number, limit: number): Promise<Array<Record<string, unknown>>>;
    /** Stores fetched boards, pins or analytics rows, charging `item-fetched` for each one stored. */
    pushFetched(items: DatasetItem[]): Promise<DeliveryResult>;
    /**
     * Stores rows; with `event`, charges it once per row stored (the SDK stores only what the budget can pay for).
     * Without it, the rows are free (failed, skipped or scheduled pins).
     */
    pushRows(rows: object[], event?: ChargeEvent): Promise<DeliveryResult>;
    /** Saves a record in the run's default key-value store (a report, a picture). */
    saveRecord(key: string, value: unknown, contentType?: string): Promise<void>;
    /** Events charged by this process, by name. */
    chargedEvents(): Record<string, number>;
    /** Tells how a long run is getting on: logged, and shown as the run's status message in the Console. */
    progress?(message: string): Promise<void>;
}

export function createActorOutput(): RunOutput {
    const charged: Record<string, number> = {};

    const output: RunOutput = {
        budgetFor(event) {
            return Actor.getChargingManager().calculateMaxEventChargeCountWithinLimit(event);
        },

        async readStoredItems(offset, limit) {
            if (limit <= 0) return [];
            const page = await (await Actor.openDataset()).getData({ offset, limit });
            return page.items as Array<Record<string, unknown>>;
        },

        async pushFetched(items) {
            return output.pushRows(items, EVENTS.itemFetched);
        },

        async pushRows(rows, event) {
            if (rows.length === 0) return { delivered: 0, budgetExhausted: false };
            if (!event) {
                await Actor.pushData(rows);
                return { delivered: rows.length, budgetExhausted: false };
            }
            const allowed = Math.max(0, Math.min(rows.length, output.budgetFor(event)));
            // The SDK trims what the budget cannot pay for, stores the rest and charges for exactly those.
            const result = await Actor.pushData(rows, event);
            charged[event] = (charged[event] ?? 0) + allowed;
            return { delivered: allowed, budgetExhausted: result.eventChargeLimitReached };
        },

        async saveRecord(key, value, contentType) {
            await Actor.setValue(key, value, contentType ? { contentType } : undefined);
        },

        chargedEvents() {
            return { ...charged };
        },

        async progress(message) {
            // The SDK logs the status message too, so this is the one line per step.
            await Actor.setStatusMessage(message);
        },
    };
    return output;
}
