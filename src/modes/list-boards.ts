import { toBoardItem } from '../items.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { budgetNote, deliverPages, itemsWithinBudget, plural } from './deliver.js';
import type { ModeHandler } from './types.js';

export const listBoards: ModeHandler = {
    operations: [OPERATIONS.listBoards],
    writes: false,

    async run({ input, client, output }) {
        const wanted = itemsWithinBudget(input.maxItems, output);
        const privacy = input.boardPrivacy;
        const delivery = await deliverPages(client.listBoards({ maxItems: wanted, privacy }), toBoardItem, output);
        const filter = privacy ? ` (privacy ${privacy})` : '';
        return { summary: `Fetched ${plural(delivery.delivered, 'board')}${filter}${budgetNote(delivery, input.maxItems, wanted)}.` };
    },
};
