import type { CommonInput } from '../input/fields.js';
import { modeInputFields, parseInput, type ParseInputOptions } from '../input/parse.js';
import { cancelScheduled } from './cancel-scheduled.js';
import { connectAccount } from './connect-account/index.js';
import { createPin } from './create-pin/index.js';
import { deletePins } from './delete-pins.js';
import { getAccountAnalytics } from './get-account-analytics/index.js';
import { getPinAnalytics } from './get-pin-analytics/index.js';
import { getUserPins } from './get-user-pins.js';
import { listBoards } from './list-boards.js';
import { listScheduled } from './list-scheduled.js';
import { publishScheduled } from './publish-scheduled/index.js';
import { updatePins } from './update-pins/index.js';
import { pauseQueue } from './pause-queue.js';
import { resumeQueue } from './resume-queue.js';
import { updateScheduled } from './update-scheduled/index.js';
import { snapshotAnalytics } from './snapshot-analytics/index.js';
import type { ModeHandler } from './types.js';

/**
 * One line per mode: a new mode is a new file and a new line here. The Console form (`npm run schema` writes
 * .actor/input_schema.json), the mode list and each field's "Modes:" are derived from this table.
 */
export const MODE_HANDLERS = {
    'list-boards': listBoards,
    'create-pin': createPin,
    'get-user-pins': getUserPins,
    'publish-scheduled': publishScheduled,
    'list-scheduled': listScheduled,
    'cancel-scheduled': cancelScheduled,
    'pause-queue': pauseQueue,
    'resume-queue': resumeQueue,
    'update-scheduled': updateScheduled,
    'update-pins': updatePins,
    'delete-pins': deletePins,
    'get-pin-analytics': getPinAnalytics,
    'get-account-analytics': getAccountAnalytics,
    'snapshot-analytics': snapshotAnalytics,
    'connect-account': connectAccount,
} satisfies Record<string, ModeHandler>;

export type Mode = keyof typeof MODE_HANDLERS;
export const MODES = Object.keys(MODE_HANDLERS) as Mode[];

/** Every input field of every mode, each from its one definition, as one flat schema: what the Console form shows. */
export const allInputFields = modeInputFields(MODE_HANDLERS);

/** The input, validated against its mode's schema. */
export function parseActorInput(raw: unknown, options: ParseInputOptions = {}): CommonInput & Record<string, unknown> & { mode: Mode } {
    return parseInput(raw, MODE_HANDLERS, options) as CommonInput & Record<string, unknown> & { mode: Mode };
}

export type { ModeContext, ModeHandler, ModeResult } from './types.js';
