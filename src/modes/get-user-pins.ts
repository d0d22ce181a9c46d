import { FIELDS, modeInputSchema } from '../input/fields.js';
import { toPinItem } from '../output/items.js';
import type { ListOptions } from '../pinterest/client.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { plural } from '../common/text.js';
import { deliverList, stopNote } from '../output/list-delivery.js';
import { defineMode } from './types.js';

export const getUserPins = defineMode({
    title: 'List pins (one board or the whole account)',
    description: 'Saves the pins of one board, or of the whole account when Board ID is empty, optionally with their metrics.',
    input: modeInputSchema('get-user-pins', { boardId: FIELDS.boardId, maxItems: FIELDS.maxItems, includeMetrics: FIELDS.includeMetrics }),
    operations: [OPERATIONS.listBoardPins, OPERATIONS.listPins],

    async run({ input, client, output, journal }) {
        const { boardId, includeMetrics: pinMetrics } = input;
        const list = (options: ListOptions) =>
            boardId ? client.listBoardPins(boardId, { ...options, pinMetrics }) : client.listPins({ ...options, pinMetrics });
        const delivery = await deliverList(list, { maxItems: input.maxItems, output, journal, toItem: toPinItem, noun: 'pin' });
        const source = boardId ? `from board ${boardId}` : 'from your account';
        const metrics = pinMetrics ? ' with metrics' : '';
        const whose = boardId ? 'the board' : 'the account';
        return {
            summary: `Fetched ${plural(delivery.delivered, 'pin')} ${source}${metrics}${stopNote(delivery, whose)}.`,
            counts: { fetched: delivery.delivered },
            hasMore: delivery.hasMore,
        };
    },
});
