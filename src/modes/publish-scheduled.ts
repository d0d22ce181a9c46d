import type { z } from 'zod';

import { FIELDS, modeInputSchema, wholeNumber } from '../input.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { DEFAULT_LEDGER_STORE, RECONCILE_WAIT_FIELD } from '../publish/options.js';
import { DEFAULT_QUEUE_STORE } from '../schedule/queue.js';
import { defineMode } from './types.js';

export const MAX_ATTEMPTS_LIMITS = { min: 1, max: 10, default: 3 } as const;

const input = modeInputSchema('publish-scheduled', {
    queueStoreName: FIELDS.storeName('queueStoreName', DEFAULT_QUEUE_STORE),
    ledgerStoreName: FIELDS.storeName('ledgerStoreName', DEFAULT_LEDGER_STORE),
    maxAttempts: wholeNumber('maxAttempts', MAX_ATTEMPTS_LIMITS),
    reconcileWaitSeconds: RECONCILE_WAIT_FIELD,
});
export type PublishScheduledInput = z.infer<typeof input>;

/**
 * Publishes every queued pin whose time has come, oldest first, through the same exactly-once path as create-pin.
 * Meant to run from an Apify Schedule: each run claims the due pins with a lease, so a run that starts while the
 * previous one is still going leaves that run's pins alone.
 */
export const publishScheduled = defineMode({
    input,
    operations: [OPERATIONS.getUserAccount, OPERATIONS.createPin, OPERATIONS.listBoardPins, OPERATIONS.registerMedia, OPERATIONS.getMedia],
    writes: true,

    // The publishing machinery loads only in runs of this mode.
    run: async (context) => (await import('../schedule/publish-due.js')).publishDuePins(context),
});
