import { OPERATIONS } from '../../pinterest/operations.js';
import { defineMode } from '../types.js';
import { accountAnalyticsInput, accountAnalyticsInputProblems } from './input.js';

/** The account's analytics per day, its top pins and a report (see run.ts). */
export const getAccountAnalytics = defineMode({
    title: 'Account analytics (daily, top pins, report)',
    description:
        "Saves the account's analytics, one item per day (older than Pinterest's 90 days from the history snapshot-analytics keeps), its top pins and top video pins, and writes a report with the growth and the comparison you choose.",
    input: accountAnalyticsInput,
    inputProblems: accountAnalyticsInputProblems,
    operations: [OPERATIONS.getAccountAnalytics, OPERATIONS.getTopPins, OPERATIONS.getTopVideoPins, OPERATIONS.getPin],

    // The analytics machinery and the report load only in runs of this mode.
    run: async (context) => (await import('./run.js')).runAccountAnalytics(context),
});
