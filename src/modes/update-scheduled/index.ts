import { OPERATIONS } from '../../pinterest/operations.js';
import { defineMode } from '../types.js';
import { updateScheduledInput, updateScheduledInputProblems } from './input.js';

/** Changes queued pins before they go out: text, link, board, section and time (see run.ts). Free. */
export const updateScheduled = defineMode({
    title: 'Edit queued pins (text, link, board, section, time)',
    description:
        'Changes pins waiting in the queue before they go out: title, description, alt text, link, board, section and publish time (free); a dry run shows every change first.',
    input: updateScheduledInput,
    // Pins and queue entries named by ID belong to one account: a run lists one.
    oneAccount: true,
    inputProblems: updateScheduledInputProblems,
    operations: [OPERATIONS.getUserAccount, OPERATIONS.listBoards, OPERATIONS.listBoardSections],

    // Boards, the ledger and time zones load only in runs of this mode.
    run: async (context) => (await import('./run.js')).runUpdateScheduled(context),
});
