import { OPERATIONS } from '../../pinterest/operations.js';
import { defineMode } from '../types.js';
import { updatePinsInput, updatePinsInputProblems } from './input.js';

/** Edits published pins in bulk: text, links (rewritten or tagged), board and section (see run.ts). */
export const updatePins = defineMode({
    title: 'Edit published pins in bulk (text, links, board, section)',
    description:
        "Edits published pins (listed, one board's or the account's): title, description, alt text, link (replaced, rewritten or given query parameters), board and section; a dry run shows every change first.",
    input: updatePinsInput,
    // Pins and queue entries named by ID belong to one account: a run lists one.
    oneAccount: true,
    inputProblems: updatePinsInputProblems,
    operations: [
        OPERATIONS.getPin,
        OPERATIONS.listBoardPins,
        OPERATIONS.listPins,
        OPERATIONS.updatePin,
        OPERATIONS.listBoards,
        OPERATIONS.createBoard,
        OPERATIONS.listBoardSections,
        OPERATIONS.createBoardSection,
    ],

    // The editing machinery loads only in runs of this mode.
    run: async (context) => (await import('./run.js')).runUpdatePins(context),
});
