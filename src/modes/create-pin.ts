import { UserInputError } from '../input.js';
import { toCreatedPinItem } from '../items.js';
import { ChargeLimitError, EVENTS } from '../output.js';
import { OPERATIONS } from '../pinterest/operations.js';
import type { PinCreate } from '../pinterest/schemas.js';
import type { ModeHandler } from './types.js';

export const createPin: ModeHandler = {
    operations: [OPERATIONS.createPin],
    writes: true,

    async run({ input, client, output, log }) {
        // Input validation guarantees these for this mode; the check keeps the types honest.
        const { boardId, pinTitle, imageUrl } = input;
        if (!boardId || !pinTitle || !imageUrl) throw new UserInputError(['boardId, pinTitle and imageUrl are required for mode create-pin']);

        // Check the budget first: a pin must never exist on Pinterest without being paid for and reported.
        if (output.budgetFor(EVENTS.pinCreated) < 1) {
            throw new ChargeLimitError('The maximum charge you set for this run cannot pay for one pin-created event, so no pin was created: raise it and run again.');
        }

        const request: PinCreate = {
            board_id: boardId,
            title: pinTitle,
            description: input.pinDescription,
            link: input.linkUrl,
            alt_text: input.altText,
            media_source: { source_type: 'image_url', url: imageUrl },
        };
        const pin = await client.createPin(request);
        const item = toCreatedPinItem(pin, { boardId });
        await output.pushCreatedPin(item);
        log.info(`Created pin ${pin.id}: ${item.url}`);
        return { summary: `Created pin ${pin.id} on board ${item.boardId}: ${item.url}` };
    },
};
