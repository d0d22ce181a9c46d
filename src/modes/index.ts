import type { Mode } from '../input.js';
import { createPin } from './create-pin.js';
import { getUserPins } from './get-user-pins.js';
import { listBoards } from './list-boards.js';
import type { ModeHandler } from './types.js';

/** One line per mode: a new mode is a new file and a new line here. */
export const MODE_HANDLERS: Record<Mode, ModeHandler> = {
    'list-boards': listBoards,
    'get-user-pins': getUserPins,
    'create-pin': createPin,
};

export type { ModeContext, ModeHandler, ModeResult } from './types.js';
