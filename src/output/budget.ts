import type { ChargeEvent } from './events.js';

/**
 * The part of the budget held for work under way: a pin being created is paid for before its request leaves, but
 * charged only when its row is stored, so what the SDK still allows is not all that is free.
 */
export class Reservations {
    private readonly held: Partial<Record<ChargeEvent, number>> = {};

    /** `withinLimit`: how many more of an event the budget pays for, as the charging side counts it. */
    constructor(private readonly withinLimit: (event: ChargeEvent) => number) {}

    budgetFor(event: ChargeEvent): number {
        return this.withinLimit(event) - (this.held[event] ?? 0);
    }

    /** Holds one event; the returned release (safe to call twice) gives it back. Undefined when none is free. */
    reserve(event: ChargeEvent): (() => void) | undefined {
        if (this.budgetFor(event) < 1) return undefined;
        this.held[event] = (this.held[event] ?? 0) + 1;
        let holding = true;
        return () => {
            if (holding) this.held[event] = (this.held[event] ?? 1) - 1;
            holding = false;
        };
    }
}
