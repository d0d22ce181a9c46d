import type { PinResultItem } from '../output/items.js';
import { pinResultItem } from '../output/items.js';
import type { Log } from '../common/log.js';
import type { RunOutput } from '../output/run-output.js';
import type { RunStorage } from '../storage/contracts.js';
import type { PinterestClient } from '../pinterest/client.js';
import { BoardDirectory } from './boards.js';
import { OrderedDelivery } from './delivery.js';
import { PinLedger } from './ledger.js';
import { sourcePrefix } from './draft.js';
import { type PinJob, type PinOutcome, PinPublisher } from './publisher.js';
import { plural } from '../common/text.js';

export interface PublishingSetup {
    ledgerStoreName: string;
    createMissingBoards: boolean;
    dryRun: boolean;
    environment: string;
    reconcileWaitSeconds: number;
}

/** What create-pin and publish-scheduled share: the ledger, the boards, ordered delivery and the publisher. */
export interface PublishingKit {
    ledger: PinLedger;
    boards: BoardDirectory;
    delivery: OrderedDelivery;
    publisher: PinPublisher;
}

/** The parts of a run the publishing machinery works with. */
export interface PublishingDeps {
    client: PinterestClient;
    output: RunOutput;
    storage: RunStorage;
    log: Log;
    runId: string;
    now: () => number;
}

export async function openPublishing(deps: PublishingDeps, setup: PublishingSetup): Promise<PublishingKit> {
    const { client, output, storage, log, runId, now } = deps;
    const ledger = new PinLedger(await storage.openNamedStore(setup.ledgerStoreName));
    const boards = new BoardDirectory(client, { createMissing: setup.createMissingBoards, dryRun: setup.dryRun });
    const delivery = await OrderedDelivery.open(output, await storage.openRunStore());
    const publisher = new PinPublisher({
        client,
        ledger,
        boards,
        output,
        log,
        environment: setup.environment,
        runId,
        dryRun: setup.dryRun,
        reconcileWaitMs: setup.reconcileWaitSeconds * 1000,
        uploadVideo: (videoUrl) => uploadVideoThrough(client, videoUrl, log),
        now,
    });
    return { ledger, boards, delivery, publisher };
}

/** The video flow lives in its own module, loaded only by batches that have a video. */
async function uploadVideoThrough(client: PinterestClient, videoUrl: string, log: Log): Promise<string> {
    const { uploadVideo } = await import('./media.js');
    return uploadVideo(videoUrl, {
        api: {
            async registerVideo() {
                const upload = await client.registerVideoUpload();
                const parameters = Object.fromEntries(
                    Object.entries(upload.upload_parameters ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
                );
                return { mediaId: upload.media_id, uploadUrl: upload.upload_url, uploadParameters: parameters };
            },
            async getMediaStatus(mediaId) {
                const status = (await client.getMedia(mediaId)).status;
                return status === 'succeeded' || status === 'failed' || status === 'processing' ? status : 'registered';
            },
        },
        onProgress: (message) => log.info(message),
    });
}

/** A row for a pin that never reached the publisher (its fields or its time were wrong). */
export function invalidPinOutcome(position: number, source: string, problems: string[], fields: Partial<PinResultItem> = {}): PinOutcome {
    return {
        row: pinResultItem({
            ...fields,
            status: 'failed',
            position,
            source,
            error: { message: `${sourcePrefix(source)}${problems.join('; ')}.`, httpStatus: null, pinterestCode: null, requestId: null },
        }),
        charged: false,
    };
}

export type { PinJob, PinOutcome };

/** "Created 3 pins, scheduled 2, 1 failed (see the dataset's error column)." */
export function describeCounts(counts: Record<string, number>): string {
    const parts: string[] = [];
    const add = (status: string, text: (n: number) => string) => {
        if (counts[status]) parts.push(text(counts[status]));
    };
    add('created', (n) => `created ${plural(n, 'pin')}`);
    add('would-create', (n) => `${plural(n, 'pin')} would be created`);
    add('scheduled', (n) => `scheduled ${plural(n, 'pin')}`);
    add('would-schedule', (n) => `${plural(n, 'pin')} would be scheduled`);
    add('skipped-duplicate', (n) => `skipped ${plural(n, 'duplicate')}`);
    add('unconfirmed', (n) => `${n} unconfirmed (not charged; the next run checks again)`);
    add('not-attempted', (n) => `${n} not attempted`);
    add('failed', (n) => `${n} failed (see each row's error)`);
    const text = parts.length > 0 ? parts.join(', ') : 'nothing to do';
    return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}
