/** Pay-per-event events. Prices are set in Apify Console; names must match it. */
export const EVENTS = {
    itemFetched: 'item-fetched',
    pinCreated: 'pin-created',
} as const;
export type ChargeEvent = (typeof EVENTS)[keyof typeof EVENTS];
