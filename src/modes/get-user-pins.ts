import { toPinItem } from '../items.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { budgetNote, deliverPages, itemsWithinBudget, plural } from './deliver.js';
import type { ModeHandler } from './types.js';

export const getUserPins: ModeHandler = {
    operations: [OPERATIONS.listBoardPins, OPERATIONS.listPins],
    writes: false,

    async run({ input, client, output }) {
        const wanted = itemsWithinBudget(input.maxItems, output);
        const options = { maxItems: wanted, pinMetrics: input.includeMetrics };
        const pages = input.boardId ? client.listBoardPins(input.boardId, options) : client.listPins(options);
        const delivery = await deliverPages(pages, toPinItem, output);
        const source = input.boardId ? `from board ${input.boardId}` : 'from your account';
        const metrics = input.includeMetrics ? ' with metrics' : '';
        return { summary: `Fetched ${plural(delivery.delivered, 'pin')} ${source}${metrics}${budgetNote(delivery, input.maxItems, wanted)}.` };
    },
};
