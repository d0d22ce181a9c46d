import { FIELDS, modeInputSchema } from '../input/fields.js';
import { toBoardItem } from '../output/items.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { plural } from '../common/text.js';
import { deliverList, stopNote } from '../output/list-delivery.js';
import { defineMode } from './types.js';

export const listBoards = defineMode({
    title: 'List my boards',
    description: 'Saves the boards of the account the token belongs to.',
    input: modeInputSchema('list-boards', { maxItems: FIELDS.maxItems, boardPrivacy: FIELDS.boardPrivacy }),
    operations: [OPERATIONS.listBoards],

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
