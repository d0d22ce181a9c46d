import { OPERATIONS } from '../../pinterest/operations.js';
import { defineMode } from '../types.js';
import { accountAnalyticsInput, accountAnalyticsInputProblems } from './input.js';

/** The account's analytics per day, its top pins and a report (see run.ts). */
export const getAccountAnalytics = defineMode({
    input: accountAnalyticsInput,
    inputProblems: accountAnalyticsInputProblems,
    operations: [OPERATIONS.getAccountAnalytics, OPERATIONS.getTopPins, OPERATIONS.getPin],

    // The analytics machinery and the report load only in runs of this mode.
    run: async (context) => (await import('./run.js')).runAccountAnalytics(context),
});
