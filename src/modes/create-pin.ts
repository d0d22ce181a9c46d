import { z } from 'zod';

import { ActorError } from '../errors.js';
import { blankToUndefined, modeInputSchema, UserInputError } from '../input.js';
import { type CreatedPinItem, createdPinItemSchema, toCreatedPinItem } from '../items.js';
import { ChargeLimitError, EVENTS } from '../output.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { checkDraft, draftProblems, type PinDraft, pinDraftShape, toPinCreate } from '../publish/draft.js';
import { defineMode, type ModeContext } from './types.js';

/** The pin's progress through this run, journaled around the one irreversible step: the POST. */
const pinProgressSchema = z.discriminatedUnion('status', [
    z.object({ status: z.literal('sending'), boardId: z.string() }),
    z.object({ status: z.literal('created'), item: createdPinItemSchema, delivered: z.boolean() }),
]);

const { pinTitle, pinDescription, imageUrl, linkUrl, altText, boardId } = pinDraftShape;
const input = modeInputSchema('create-pin', { boardId, pinTitle, pinDescription, imageUrl, linkUrl, altText });

export const createPin = defineMode({
    input,
    operations: [OPERATIONS.createPin],
    writes: true,

    inputProblems(raw) {
        const given = Object.fromEntries(Object.entries(raw).filter(([field, value]) => field in pinDraftShape && blankToUndefined(value) !== undefined));
        return draftProblems(given as PinDraft).map((problem) => `${problem} for mode create-pin`);
    },

    async run(context) {
        const { input, client, output, journal, log } = context;
        const check = checkDraft(input);
        if (!check.ok) throw new UserInputError(check.problems);
        const boardId = check.draft.boardId;
        if (!boardId) throw new UserInputError(['boardId is required for mode create-pin']);

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

        await journal.write({ status: 'sending', boardId });
        const pin = await client.createPin(toPinCreate(check.draft, boardId));
        const item = toCreatedPinItem(pin, { boardId });
        await journal.write({ status: 'created', item, delivered: false });
        log.info(`Created pin ${pin.id}: ${item.url}`);
        return deliver(item, false, context);
    },
});

async function deliver(item: CreatedPinItem, alreadyDelivered: boolean, { output, journal }: Pick<ModeContext<unknown>, 'output' | 'journal'>) {
    if (!alreadyDelivered) {
        await output.pushRows([item], EVENTS.pinCreated);
        await journal.write({ status: 'created', item, delivered: true });
    }
    return { summary: `Created pin ${item.id} on board ${item.boardId}: ${item.url}`, counts: { created: 1 } };
}
