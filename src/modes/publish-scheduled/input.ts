import type { z } from 'zod';

import { FIELDS, modeInputSchema, wholeNumber } from '../../input/fields.js';
import { DEFAULT_LEDGER_STORE, RECONCILE_WAIT_FIELD } from '../../publish/options.js';
import { DEFAULT_QUEUE_STORE } from '../../schedule/queue.js';

export const MAX_ATTEMPTS_LIMITS = { min: 1, max: 10, default: 3 } as const;

export const publishScheduledInput = modeInputSchema('publish-scheduled', {
    queueStoreName: FIELDS.storeName('queueStoreName', DEFAULT_QUEUE_STORE),
    ledgerStoreName: FIELDS.storeName('ledgerStoreName', DEFAULT_LEDGER_STORE),
    maxAttempts: wholeNumber('maxAttempts', MAX_ATTEMPTS_LIMITS),
    reconcileWaitSeconds: RECONCILE_WAIT_FIELD,
});
export type PublishScheduledInput = z.infer<typeof publishScheduledInput>;
