import { FIELDS, modeInputSchema } from '../input.js';
import { toBoardItem } from '../items.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { deliverList, plural, stopNote } from './deliver.js';
import { defineMode } from './types.js';

export const listBoards = defineMode({
    input: modeInputSchema('list-boards', { maxItems: FIELDS.maxItems, boardPrivacy: FIELDS.boardPrivacy }),
    operations: [OPERATIONS.listBoards],
    writes: false,

    async run({ input, client, output, journal }) {
        const privacy = input.boardPrivacy;
        const delivery = await deliverList((options) => client.listBoards({ ...options, privacy }), {
            maxItems: input.maxItems,
            output,
            journal,
            toItem: toBoardItem,
            noun: 'board',
        });
        const filter = privacy ? ` (privacy ${privacy})` : '';
        return {
            summary: `Fetched ${plural(delivery.delivered, 'board')}${filter}${stopNote(delivery, 'the account')}.`,
            counts: { fetched: delivery.delivered },
            hasMore: delivery.hasMore,
        };
    },
});
