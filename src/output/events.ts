/** Pay-per-event events. Prices are set in Apify Console; names must match it. */
export const EVENTS = {
    itemFetched: 'item-fetched',
    pinCreated: 'pin-created',
    /** update-pins: a pin Pinterest confirmed changed. */
    pinUpdated: 'pin-updated',
} as const;
export type ChargeEvent = (typeof EVENTS)[keyof typeof EVENTS];
