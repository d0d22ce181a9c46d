import { flag, FIELDS, modeInputSchema } from '../input/fields.js';
import { type BoardItem, toBoardItem } from '../output/items.js';
import type { ListOptions, ListPage, PinterestClient } from '../pinterest/client.js';
import { OPERATIONS } from '../pinterest/operations.js';
import type { Board, BoardSection } from '../pinterest/schemas.js';
import { mapInPool } from '../common/pool.js';
import { plural } from '../common/text.js';
import { deliverList, stopNote } from '../output/list-delivery.js';
import { listAllSections } from '../publish/boards.js';
import { defineMode } from './types.js';

/** Boards whose sections are listed at once: each board's sections are one request (or more) of their own. */
const SECTION_LISTS_AT_ONCE = 4;

interface ListedBoard {
    board: Board;
    sections?: BoardSection[];
}

/** A page of boards with each board's sections, listed before the page is stored. */
async function* withSections(client: PinterestClient, pages: AsyncIterable<ListPage<Board>>): AsyncGenerator<ListPage<ListedBoard>> {
    for await (const page of pages) {
        const sections = await mapInPool(page.items, SECTION_LISTS_AT_ONCE, (board) => listAllSections(client, board.id));
        yield { ...page, items: page.items.map((board, index) => ({ board, sections: sections[index] })) };
    }
}

async function* plain(pages: AsyncIterable<ListPage<Board>>): AsyncGenerator<ListPage<ListedBoard>> {
    for await (const page of pages) yield { ...page, items: page.items.map((board) => ({ board })) };
}

const toItem = ({ board, sections }: ListedBoard): BoardItem => ({
    ...toBoardItem(board),
    ...(sections ? { sections: sections.map(({ id, name }) => ({ id, name })) } : {}),
});

export const listBoards = defineMode({
    title: 'List my boards',
    description: 'Saves the boards of the account the token belongs to, optionally with their sections.',
    input: modeInputSchema('list-boards', { maxItems: FIELDS.maxItems, boardPrivacy: FIELDS.boardPrivacy, includeSections: flag('includeSections') }),
    operations: [OPERATIONS.listBoards, OPERATIONS.listBoardSections],

    async run({ input, client, output, journal }) {
        const privacy = input.boardPrivacy;
        const list = (options: ListOptions) => {
            const boards = client.listBoards({ ...options, privacy });
            return input.includeSections ? withSections(client, boards) : plain(boards);
        };
        const delivery = await deliverList(list, { maxItems: input.maxItems, output, journal, toItem, noun: 'board' });
        const filter = privacy ? ` (privacy ${privacy})` : '';
        const sections = input.includeSections ? ' with their sections' : '';
        return {
            summary: `Fetched ${plural(delivery.delivered, 'board')}${filter}${sections}${stopNote(delivery, 'the account')}.`,
            counts: { fetched: delivery.delivered },
            hasMore: delivery.hasMore,
        };
    },
});
