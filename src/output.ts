import { Actor } from 'apify';

import { ActorError } from './errors.js';
import type { CreatedPinItem, DatasetItem } from './items.js';

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
    /** Items stored in the dataset (and charged, under pay-per-event). */
    delivered: number;
    /** The user's maximum charge for this run is reached: stop working. */
    budgetExhausted: boolean;
}

/**
 * Where results go. Storing and charging happen together here, and only here, so an item is never stored
 * without being charged or charged without being stored. Handlers depend on this interface, not on the SDK.
 */
export interface RunOutput {
    /** How many more `event`s the user's budget allows this run (Infinity when not charging per event). */
    budgetFor(event: ChargeEvent): number;
    /** Items already in the run's dataset (after a restart, some may predate this process). */
    storedItemCount(): Promise<number>;
    /** Stores fetched boards or pins, charging `item-fetched` for each one stored. */
    pushFetched(items: DatasetItem[]): Promise<DeliveryResult>;
    /** Stores a pin that Pinterest confirmed, charging `pin-created`. */
    pushCreatedPin(item: CreatedPinItem): Promise<DeliveryResult>;
}

export const actorOutput: RunOutput = {
    budgetFor(event) {
        return Actor.getChargingManager().calculateMaxEventChargeCountWithinLimit(event);
    },

    async storedItemCount() {
        const info = await (await Actor.openDataset()).getInfo();
        return info?.itemCount ?? 0;
    },

    async pushFetched(items) {
        return push(items, EVENTS.itemFetched);
    },

    async pushCreatedPin(item) {
        return push([item], EVENTS.pinCreated);
    },
};

async function push(items: DatasetItem[], event: ChargeEvent): Promise<DeliveryResult> {
    if (items.length === 0) return { delivered: 0, budgetExhausted: false };
    const allowed = Math.min(items.length, actorOutput.budgetFor(event));
    // The SDK trims what the budget cannot pay for, stores the rest and charges for exactly those.
    const result = await Actor.pushData(items, event);
    return { delivered: Math.max(0, allowed), budgetExhausted: result.eventChargeLimitReached };
}
