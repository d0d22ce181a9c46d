import type { z } from 'zod';

import { ANALYTICS_FIELDS } from '../../analytics/input.js';
import { modeInputSchema } from '../../input/fields.js';
import { SHARED_FIELDS } from '../input.js';

export const snapshotAnalyticsInput = modeInputSchema('snapshot-analytics', {
    historyStoreName: SHARED_FIELDS.historyStoreName,
    ledgerStoreName: SHARED_FIELDS.ledgerStoreName,
    topPinsCount: ANALYTICS_FIELDS.topPinsCount,
});
export type SnapshotAnalyticsInput = z.infer<typeof snapshotAnalyticsInput>;
