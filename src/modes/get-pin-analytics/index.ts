import { OPERATIONS } from '../../pinterest/operations.js';
import { defineMode } from '../types.js';
import { pinAnalyticsInput, pinAnalyticsInputProblems } from './input.js';

/** Daily analytics of chosen pins, one board's or the account's, with a report (see run.ts). */
export const getPinAnalytics = defineMode({
    title: 'Pin analytics (daily, with a report)',
    description:
        "Saves daily analytics of pins (listed, the ones this Actor published, one board's by ID or name, or the account's), optionally a summary per board, and writes a report.",
    input: pinAnalyticsInput,
    inputProblems: pinAnalyticsInputProblems,
    operations: [
        OPERATIONS.listBoards,
        OPERATIONS.getMultiPinAnalytics,
        OPERATIONS.getPinAnalytics,
        OPERATIONS.getPin,
        OPERATIONS.getBoard,
        OPERATIONS.listBoardPins,
        OPERATIONS.listPins,
    ],

    // The analytics machinery and the report load only in runs of this mode.
    run: async (context) => (await import('./run.js')).runPinAnalytics(context),
});
