import { z } from 'zod';

import { DEFAULT_HISTORY_STORE } from '../analytics/history.js';
import { blankToUndefined, FIELDS, trimmed } from '../input/fields.js';
import { DEFAULT_LEDGER_STORE } from '../publish/options.js';
import { DEFAULT_QUEUE_STORE } from '../schedule/queue.js';
import { DEFAULT_TIME_ZONE } from '../schedule/time-text.js';

/**
 * Fields several modes share whose defaults belong to the engines (src/input may not import them): each is
 * defined once here, so that every mode reads it alike and the Console form has one definition to show.
 */
export const SHARED_FIELDS = {
    queueStoreName: FIELDS.storeName('queueStoreName', DEFAULT_QUEUE_STORE),
    ledgerStoreName: FIELDS.storeName('ledgerStoreName', DEFAULT_LEDGER_STORE),
    historyStoreName: FIELDS.storeName('historyStoreName', DEFAULT_HISTORY_STORE),
    timeZone: z.preprocess(
        blankToUndefined,
        trimmed('timeZone must be an IANA time zone name as text, such as Europe/Berlin').default(DEFAULT_TIME_ZONE),
    ),
};
