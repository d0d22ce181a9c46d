import { OPERATIONS } from '../../pinterest/operations.js';
import { PIN_FIELD_ALIASES } from '../../publish/draft.js';
import { defineMode } from '../types.js';
import { createPinInput, createPinInputProblems } from './input.js';

/** Publishes pins, each exactly once: one, a list or a CSV; now, or queued for later (see run.ts). */
export const createPin = defineMode({
    title: 'Create pins (one, many, CSV; now or scheduled)',
    description:
        "Publishes pins, each exactly once: one, a list or a CSV in Pinterest's bulk format; images, carousels and videos; now or queued for later.",
    input: createPinInput,
    inputProblems: createPinInputProblems,
    aliases: PIN_FIELD_ALIASES,
    operations: [
        OPERATIONS.listBoards,
        OPERATIONS.createPin,
        OPERATIONS.createBoard,
        OPERATIONS.listBoardSections,
        OPERATIONS.createBoardSection,
        OPERATIONS.listBoardPins,
        OPERATIONS.registerMedia,
        OPERATIONS.getMedia,
    ],

    // The publishing machinery (ledger, boards, queue, time zones, CSV) loads only in runs of this mode.
    run: async (context) => (await import('./run.js')).runCreatePin(context),
});
