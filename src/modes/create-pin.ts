import { z } from 'zod';

import { ActorError } from '../errors.js';
import { UserInputError } from '../input.js';
import { type CreatedPinItem, createdPinItemSchema, toCreatedPinItem } from '../items.js';
import { ChargeLimitError, EVENTS } from '../output.js';
import { OPERATIONS } from '../pinterest/operations.js';
import type { PinCreate } from '../pinterest/schemas.js';
import type { ModeContext, ModeHandler } from './types.js';

/** The pin's progress through this run, journaled around the one irreversible step: the POST. */
const pinProgressSchema = z.discriminatedUnion('status', [
    z.object({ status: z.literal('sending'), boardId: z.string() }),
    z.object({ status: z.literal('created'), item: createdPinItemSchema, delivered: z.boolean() }),
]);

export const createPin: ModeHandler = {
    operations: [OPERATIONS.createPin],
    writes: true,

    async run(context) {
        const { input, client, output, journal, log } = context;
        // Input validation guarantees these for this mode; the check keeps the types honest.
        const { boardId, pinTitle, imageUrl } = input;
        if (!boardId || !pinTitle || !imageUrl) throw new UserInputError(['boardId, pinTitle and imageUrl are required for mode create-pin']);

        const previous = pinProgressSchema.safeParse(await journal.read());
        if (previous.success && previous.data.status === 'created') return deliver(previous.data.item, previous.data.delivered, context);
        if (previous.success && previous.data.status === 'sending') {
            throw new ActorError(
                `The run restarted while Pinterest was creating the pin on board ${previous.data.boardId}, so the Actor cannot tell whether it exists and did not post it again: check the board before running again.`,
            );
        }

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
        await journal.write({ status: 'sending', boardId });
        const pin = await client.createPin(request);
        const item = toCreatedPinItem(pin, { boardId });
        await journal.write({ status: 'created', item, delivered: false });
        log.info(`Created pin ${pin.id}: ${item.url}`);
        return deliver(item, false, context);
    },
};

async function deliver(item: CreatedPinItem, alreadyDelivered: boolean, { output, journal }: ModeContext) {
    if (!alreadyDelivered) {
        await output.pushCreatedPin(item);
        await journal.write({ status: 'created', item, delivered: true });
    }
    return { summary: `Created pin ${item.id} on board ${item.boardId}: ${item.url}` };
}
