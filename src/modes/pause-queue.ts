import { modeInputSchema } from '../input/fields.js';
import { OPERATIONS } from '../pinterest/operations.js';
import { openAccountQueue } from '../schedule/queue.js';
import { formatUtc } from '../schedule/time-text.js';
import { SHARED_FIELDS } from './input.js';
import { defineMode } from './types.js';

/**
 * Pauses the token's account's queue (free): publish-scheduled publishes nothing until resume-queue, and create-pin
 * still queues. The pause is one key in the account's part of the queue store, which the listing every
 * publish-scheduled run makes anyway shows, so a paused or idle run costs no extra call.
 */
export const pauseQueue = defineMode({
    title: 'Pause the scheduling queue',
    description: 'Pauses publishing of the queued pins of the token’s account until resume-queue (free); pins can still be queued.',
    input: modeInputSchema('pause-queue', { queueStoreName: SHARED_FIELDS.queueStoreName }),
    operations: [OPERATIONS.getUserAccount],

    async run(context) {
        const queue = await openAccountQueue(context, context.input);
        const { since, already } = await queue.pause();
        const glance = await queue.glance();
        const waiting = `${glance.waiting.length}${glance.moreWaiting ? ' or more' : ''}`;
        return {
            summary: `${already ? 'Publishing was already paused' : 'Paused publishing'} for ${queue.label} since ${formatUtc(since)}: publish-scheduled publishes nothing until resume-queue (${waiting} pins waiting).`,
            counts: {},
            details: { paused: true, pausedSince: formatUtc(since), alreadyPaused: already, waiting: glance.waiting.length },
        };
    },
});
