import { OPERATIONS } from '../../pinterest/operations.js';
import { defineMode } from '../types.js';
import { snapshotAnalyticsInput } from './input.js';

/** The account's analytics kept beyond Pinterest's 90 days, one snapshot a day (see run.ts and analytics/history.ts). */
export const snapshotAnalytics = defineMode({
    title: 'Analytics snapshot (keeps history beyond 90 days; daily from a Schedule)',
    description:
        "Stores the account's daily analytics, its counters (followers, monthly views, pins, boards) and the counters of the pins this Actor published in a named key-value store, so that get-account-analytics can report on more than Pinterest's 90 days. Run it daily from an Apify Schedule.",
    input: snapshotAnalyticsInput,
    operations: [OPERATIONS.getUserAccount, OPERATIONS.getAccountAnalytics, OPERATIONS.getTopPins, OPERATIONS.getPin, OPERATIONS.listPins],

    run: async (context) => (await import('./run.js')).runSnapshotAnalytics(context),
});
