import type { z } from 'zod';

import { modeInputSchema, wholeNumber } from '../../input/fields.js';
import { RECONCILE_WAIT_FIELD } from '../../publish/options.js';
import { SHARED_FIELDS } from '../input.js';

export const MAX_ATTEMPTS_LIMITS = { min: 1, max: 10, default: 3 } as const;

export const publishScheduledInput = modeInputSchema('publish-scheduled', {
    queueStoreName: SHARED_FIELDS.queueStoreName,
    ledgerStoreName: SHARED_FIELDS.ledgerStoreName,
    maxAttempts: wholeNumber('maxAttempts', MAX_ATTEMPTS_LIMITS),
    reconcileWaitSeconds: RECONCILE_WAIT_FIELD,
});
export type PublishScheduledInput = z.infer<typeof publishScheduledInput>;
