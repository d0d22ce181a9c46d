import type { Log } from '../common/log.js';
import { formatCount, plural } from '../common/text.js';
import type { RunOutput } from '../output/run-output.js';
import type { PinterestClient } from '../pinterest/client.js';
import type { RunStorage } from '../storage/contracts.js';
import { BoardDirectory } from './boards.js';
import { Renewals } from './claims.js';
import { OrderedDelivery } from './delivery.js';
import { accountHash, PinLedger } from './ledger.js';
import { PinPublisher } from './publisher.js';

export interface PublishingSetup {
    ledgerStoreName: string;
    createMissingBoards: boolean;
    createMissingSections?: boolean;
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
    sleep?: (ms: number) => Promise<void>;
    /** Shared with whatever else the run keeps alive (the queue's leases). */
    renewals?: Renewals;
}

export async function openPublishing(deps: PublishingDeps, setup: PublishingSetup): Promise<PublishingKit> {
    const { client, output, storage, log, runId, now, sleep } = deps;
    const renewals = deps.renewals ?? new Renewals(now, log);
    const ledger = new PinLedger(await storage.openNamedStore(setup.ledgerStoreName));
    const boards = new BoardDirectory(client, {
        createMissing: setup.createMissingBoards,
        createMissingSections: setup.createMissingSections ?? false,
        dryRun: setup.dryRun,
    });
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
        sleep,
        renewals,
        accountKey: memoize(async () => {
            const { account } = await client.getUserAccount();
            return accountHash(setup.environment, account.id ?? account.username ?? 'unknown');
        }),
    });
    return { ledger, boards, delivery, publisher };
}

const memoize = <T>(get: () => Promise<T>): (() => Promise<T>) => {
    let value: Promise<T> | undefined;
    return () => (value ??= get());
};

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
    add('unconfirmed', (n) => `${formatCount(n)} unconfirmed (not charged; the next run checks again)`);
    add('not-attempted', (n) => `${formatCount(n)} not attempted`);
    add('will-retry', (n) => `${formatCount(n)} failed and will be tried again (see each row's reason)`);
    add('failed', (n) => `${formatCount(n)} failed (see each row's error)`);
    const text = parts.length > 0 ? parts.join(', ') : 'nothing to do';
    return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}
