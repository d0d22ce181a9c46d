import { FIELDS, modeInputSchema } from '../input/fields.js';
import { toPinItem } from '../output/items.js';
import type { ListOptions } from '../pinterest/client.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { plural } from '../common/text.js';
import { deliverList, stopNote } from '../output/list-delivery.js';
import { boardChoiceProblems, chooseBoard } from './board-choice.js';
import { defineMode } from './types.js';

export const getUserPins = defineMode({
    title: 'List pins (one board or the whole account)',
    description: 'Saves the pins of one board (by ID or by name), or of the whole account when neither is given, optionally with their metrics.',
    input: modeInputSchema('get-user-pins', {
        boardId: FIELDS.boardId,
        boardName: FIELDS.boardName,
        maxItems: FIELDS.maxItems,
        includeMetrics: FIELDS.includeMetrics,
    }),
    inputProblems: boardChoiceProblems,
    operations: [OPERATIONS.listBoards, OPERATIONS.listBoardPins, OPERATIONS.listPins],

    async run({ input, client, output, journal }) {
        const { includeMetrics: pinMetrics } = input;
        const board = await chooseBoard(client, input);
        const list = (options: ListOptions) =>
            board ? client.listBoardPins(board.id, { ...options, pinMetrics }) : client.listPins({ ...options, pinMetrics });
        const delivery = await deliverList(list, { maxItems: input.maxItems, output, journal, toItem: toPinItem, noun: 'pin' });
        const source = board ? `from ${board.label}` : 'from your account';
        const metrics = pinMetrics ? ' with metrics' : '';
        const whose = board ? 'the board' : 'the account';
        return {
            summary: `Fetched ${plural(delivery.delivered, 'pin')} ${source}${metrics}${stopNote(delivery, whose)}.`,
            counts: { fetched: delivery.delivered },
            hasMore: delivery.hasMore,
        };
    },
});
