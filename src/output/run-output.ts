import { Actor } from 'apify';

import { ActorError } from '../common/errors.js';
import type { DatasetItem } from './items.js';

/** Pay-per-event events. Prices are set in Apify Console; names must match it. */
export const EVENTS = {
    itemFetched: 'item-fetched',
    pinCreated: 'pin-created',
    /** update-pins: a pin Pinterest confirmed changed. */
    pinUpdated: 'pin-updated',
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
    /**
     * How many more `event`s the user's budget allows this run (Infinity when not charging per event), less those
     * reserved for work under way.
     */
    budgetFor(event: ChargeEvent): number;
    /**
     * Holds one `event` of the budget for work whose row is not stored yet (a pin being created): returns the
     * release to call once the row is stored and charged, or undefined when the budget cannot pay for one more.
     */
    reserve(event: ChargeEvent): (() => void) | undefined;
    /** `event`s charged in this run; on the platform this counts the run's earlier processes (before a migration) too. */
    chargedCount(event: ChargeEvent): number;
    /** Whether `chargedCount` counts earlier processes of the run: the platform says so after a migration, local runs cannot. */
    readonly knowsEarlierCharges: boolean;
    /** Charges `count` events for rows already stored (a restart found them stored but not charged). */
    chargeStored(event: ChargeEvent, count: number): Promise<void>;
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
    /** Events charged in this run, by name (see chargedCount). */
    chargedEvents(): Record<string, number>;
    /** Tells how a long run is getting on: logged, and shown as the run's status message in the Console. */
    progress?(message: string): Promise<void>;
}

export function createActorOutput(): RunOutput {
    const reserved: Record<string, number> = {};
    const charging = () => Actor.getChargingManager();
    /** What the SDK lets the budget pay for, before reservations. */
    const withinLimit = (event: ChargeEvent) => charging().calculateMaxEventChargeCountWithinLimit(event);

    const output: RunOutput = {
        budgetFor(event) {
            return withinLimit(event) - (reserved[event] ?? 0);
        },

        reserve(event) {
            if (output.budgetFor(event) < 1) return undefined;
            reserved[event] = (reserved[event] ?? 0) + 1;
            let held = true;
            return () => {
                if (held) reserved[event] = (reserved[event] ?? 1) - 1;
                held = false;
            };
        },

        chargedCount(event) {
            return charging().getChargedEventCount(event);
        },

        knowsEarlierCharges: Actor.isAtHome(),

        async chargeStored(event, count) {
            if (count > 0) await Actor.charge({ eventName: event, count });
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
            // Rows reserved for are within what the SDK allows: it trims only what the budget cannot pay for,
            // stores the rest and charges for exactly those.
            const allowed = Math.max(0, Math.min(rows.length, withinLimit(event)));
            const result = await Actor.pushData(rows, event);
            return { delivered: allowed, budgetExhausted: result.eventChargeLimitReached };
        },

        async saveRecord(key, value, contentType) {
            await Actor.setValue(key, value, contentType ? { contentType } : undefined);
        },

        chargedEvents() {
            const counts = Object.values(EVENTS).map((event) => [event, output.chargedCount(event)] as const);
            return Object.fromEntries(counts.filter(([, count]) => count > 0));
        },

        async progress(message) {
            // The SDK logs the status message too, so this is the one line per step.
            await Actor.setStatusMessage(message);
        },
    };
    return output;
}
