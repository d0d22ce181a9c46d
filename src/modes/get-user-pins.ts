import { FIELDS, modeInputSchema } from '../input.js';
import { toPinItem } from '../items.js';
import type { ListOptions } from '../pinterest/client.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { budgetNote, deliverList, plural } from './deliver.js';
import { defineMode } from './types.js';

export const getUserPins = defineMode({
    input: modeInputSchema('get-user-pins', { boardId: FIELDS.boardId, maxItems: FIELDS.maxItems, includeMetrics: FIELDS.includeMetrics }),
    operations: [OPERATIONS.listBoardPins, OPERATIONS.listPins],
    writes: false,

    async run({ input, client, output, journal }) {
        const { boardId, includeMetrics: pinMetrics } = input;
        const list = (options: ListOptions) =>
            boardId ? client.listBoardPins(boardId, { ...options, pinMetrics }) : client.listPins({ ...options, pinMetrics });
        const delivery = await deliverList(list, { maxItems: input.maxItems, output, journal, toItem: toPinItem });
        const source = boardId ? `from board ${boardId}` : 'from your account';
        const metrics = pinMetrics ? ' with metrics' : '';
        return { summary: `Fetched ${plural(delivery.delivered, 'pin')} ${source}${metrics}${budgetNote(delivery)}.`, counts: { fetched: delivery.delivered } };
    },
});
