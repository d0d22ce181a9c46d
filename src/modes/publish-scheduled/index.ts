import { OPERATIONS } from '../../pinterest/operations.js';
import { defineMode } from '../types.js';
import { publishScheduledInput } from './input.js';

/**
 * Publishes every queued pin whose time has come, oldest first, through the same exactly-once path as create-pin.
 * Meant to run from an Apify Schedule: each run claims the due pins with a lease, so a run that starts while the
 * previous one is still going leaves that run's pins alone.
 */
export const publishScheduled = defineMode({
    title: 'Publish the scheduled pins that are due (run it from an Apify Schedule)',
    description: 'Publishes the queued pins whose time has come, exactly once; run it from an Apify Schedule.',
    input: publishScheduledInput,
    operations: [
        OPERATIONS.getUserAccount,
        OPERATIONS.createPin,
        OPERATIONS.savePin,
        OPERATIONS.listBoardPins,
        OPERATIONS.registerMedia,
        OPERATIONS.getMedia,
    ],

    // The publishing machinery loads only in runs of this mode.
    run: async (context) => (await import('./run.js')).publishDuePins(context),
});
