import { wholeNumber } from '../input/fields.js';

/** The named store of the ledger, unless the input names another. */
export const DEFAULT_LEDGER_STORE = 'pinterest-pin-ledger';

export const RECONCILE_LIMITS = { min: 0, max: 300, default: 30 } as const;

/** How long a run looks for a pin whose creation Pinterest did not confirm (the board's listing can lag). */
export const RECONCILE_WAIT_FIELD = wholeNumber('reconcileWaitSeconds', RECONCILE_LIMITS);
