import type { Mode } from '../input.js';
import type { ModeHandler } from './types.js';

/**
 * One line per mode: a new mode is a new file and a new line here. Each loader imports its mode's module when a
 * run uses that mode, so a run loads only its own mode's code (the build makes each one a separate chunk).
 */
export const MODE_LOADERS: Record<Mode, () => Promise<ModeHandler>> = {
    'list-boards': async () => (await import('./list-boards.js')).listBoards,
    'get-user-pins': async () => (await import('./get-user-pins.js')).getUserPins,
    'create-pin': async () => (await import('./create-pin.js')).createPin,
};

export type { ModeContext, ModeHandler, ModeResult } from './types.js';
