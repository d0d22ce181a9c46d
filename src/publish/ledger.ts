import { createHash } from 'node:crypto';

import { z } from 'zod';

import { allKeys, type NamedStore } from '../storage/contracts.js';
import { DEFAULT_WRITE_POLICY, MAX_TIME_MS, type RecordWritePolicy, TIME_MS, TypedRecord } from '../storage/records.js';
import type { PinDraft } from './draft.js';
import { normalizeLink } from './links.js';

export { DEFAULT_LEDGER_STORE } from './options.js';

/** What a pin's media is, as reconciliation can see it in Pinterest's listing. */
export const MEDIA_KINDS = ['image', 'carousel', 'video'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** A run's hold on a pin: only the run holding a live claim may send it. See claims.ts. */
export const claimSchema = z.object({
    runId: z.string(),
    /** Tells apart two processes of one run (a restart after a migration) and two runs with equal ids. */
    nonce: z.string(),
    /** The claim lapses unless renewed: a run that died lets go of its pins by itself. */
    until: TIME_MS,
});
export type Claim = z.infer<typeof claimSchema>;

/**
 * What the Actor knows about one pin it was asked to publish, kept in a named key-value store so that every
 * later run (and a restarted one) knows it too.
 * - `claimed`: a run holds the pin and will send it (or let go); nothing was sent by this attempt yet, though an
 *   earlier attempt may have been (`unsettled`).
 * - `sending`: the POST may be under way or may have happened; only reconciliation can tell.
 * - `created`: Pinterest confirmed it (or reconciliation found it), with its id.
 * - `failed`: Pinterest refused it; a later run may try again.
 * - `unconfirmed`: reconciliation could not tell yet; the next run looks again before posting.
 * - `deleted`: the pin was created and later deleted through this Actor; publishing it again is a new pin.
 */
export const ledgerEntrySchema = z.object({
    version: z.literal(1),
    /** What identifies the pin: `key:<the user's key>` or `content:<fingerprint>`. */
    identity: z.string(),
    environment: z.string(),
    boardId: z.string(),
    title: z.string().nullable(),
    description: z.string().nullable(),
    link: z.string().nullable(),
    mediaUrls: z.array(z.string()),
    /** What was sent besides the text, so that reconciliation can tell look-alike pins apart. */
    altText: z.string().nullable().optional(),
    boardSectionId: z.string().nullable().optional(),
    mediaKind: z.enum(MEDIA_KINDS).optional(),
    status: z.enum(['claimed', 'sending', 'created', 'failed', 'unconfirmed', 'deleted']),
    claim: claimSchema.optional(),
    /**
     * On a `claimed` entry: the claim was taken over an attempt whose outcome nobody knows (`sending`, or
     * `unconfirmed`). The claim's holder reconciles before it posts; should it die first, whoever holds the pin
     * next still knows to, instead of taking `claimed` for "nothing was sent".
     */
    unsettled: z.enum(['sending', 'unconfirmed']).optional(),
    /** The run that last acted on the entry, and the row position the pin had in it. */
    runId: z.string(),
    position: z.number().int().optional(),
    attempts: z.number().int().min(0),
    /** When the latest POST began (ms): a pin found by reconciliation must be newer than this. */
    attemptStartedAt: TIME_MS,
    /** When the latest POST ended without an answer: a pin found by reconciliation must be older than this. */
    attemptEndedAt: TIME_MS.optional(),
    pinId: z.string().optional(),
    pinUrl: z.string().optional(),
    /** When Pinterest confirmed the pin (ms). */
    createdAt: TIME_MS.optional(),
    deletedAt: TIME_MS.optional(),
    error: z.string().optional(),
    scheduleId: z.string().optional(),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

/** The content of a pin as the ledger compares it: what a duplicate would share. */
export interface PinContent {
    environment: string;
    boardId: string;
    title?: string;
    description?: string;
    link?: string;
    mediaUrls: string[];
    altText?: string;
    boardSectionId?: string;
    mediaKind: MediaKind;
    /** The user's own key, which identifies the pin instead of its content. */
    key?: string;
}

/** What the ledger compares of a draft on its resolved board. */
export function contentOfDraft(draft: PinDraft, boardId: string, environment: string): PinContent {
    return {
        environment,
        boardId,
        title: draft.pinTitle,
        description: draft.pinDescription,
        link: draft.linkUrl,
        mediaUrls: draft.imageUrls ?? [draft.videoUrl ?? draft.imageUrl ?? ''],
        altText: draft.altText,
        boardSectionId: draft.boardSectionId,
        mediaKind: draft.imageUrls ? 'carousel' : draft.videoUrl ? 'video' : 'image',
        key: draft.key,
    };
}

/**
 * The identity of a pin: the user's key, or a fingerprint of its text and media. Alt text and section are not part
 * of it (a pin edited only there is the same pin), but reconciliation compares them.
 */
export function pinIdentity(content: PinContent): string {
    if (content.key) return `key:${content.key}`;
    const fingerprint = createHash('sha256')
        .update(JSON.stringify([content.title ?? '', content.description ?? '', content.link ?? '', content.mediaUrls]))
        .digest('hex')
        .slice(0, 32);
    return `content:${fingerprint}`;
}

/**
 * The record key of a pin. A board belongs to one account, so keying by board keeps several accounts apart in
 * one shared store; the environment keeps sandbox and production apart. Hashed: keys have a length limit and
 * a user's key may hold any character.
 */
export function ledgerKey(content: PinContent, suffix?: string): string {
    const digest = createHash('sha256')
        .update(`${content.environment}\n${content.boardId}\n${pinIdentity(content)}${suffix ? `\n${suffix}` : ''}`)
        .digest('hex')
        .slice(0, 40);
    return `pin-${digest}`;
}

/** The fields an entry takes from the content it describes. */
export function entryContent(
    content: PinContent,
): Pick<
    LedgerEntry,
    'identity' | 'environment' | 'boardId' | 'title' | 'description' | 'link' | 'mediaUrls' | 'altText' | 'boardSectionId' | 'mediaKind'
> {
    return {
        identity: pinIdentity(content),
        environment: content.environment,
        boardId: content.boardId,
        title: content.title ?? null,
        description: content.description ?? null,
        link: content.link ?? null,
        mediaUrls: content.mediaUrls,
        altText: content.altText ?? null,
        boardSectionId: content.boardSectionId ?? null,
        mediaKind: content.mediaKind,
    };
}

/** A short, stable name for an account in an environment, for keys shared by several accounts' records. */
export const accountHash = (environment: string, account: string) =>
    createHash('sha256').update(`${environment}\n${account}`).digest('hex').slice(0, 12);

/** Times in keys: 15 digits hold every millisecond up to year 9999, and sort as numbers do. */
export const keyTime = (ms: number) => String(Math.min(Math.max(0, Math.floor(ms)), MAX_TIME_MS)).padStart(15, '0');

/** A pin this Actor published, as its index key tells it. */
export interface PublishedPin {
    publishedAt: number;
    boardId: string;
    pinId: string;
}

const linkRecordSchema = z.object({ link: z.string(), publishedAt: z.array(TIME_MS) });
/** Which ledger entry a Pinterest pin belongs to: reconciliation never takes a pin that is another entry's. */
const attributionSchema = z.object({ ledgerKey: z.string() });

export type LedgerRecord = TypedRecord<typeof ledgerEntrySchema>;

export class PinLedger {
    /** Pins this process attributed, for checks that need no storage call. */
    private readonly attributedHere = new Map<string, string>();

    constructor(
        readonly store: NamedStore,
        private readonly writePolicy: RecordWritePolicy = DEFAULT_WRITE_POLICY,
    ) {}

    entry(key: string): LedgerRecord {
        return new TypedRecord(this.store, key, ledgerEntrySchema, `ledger entry ${key} in key-value store "${this.store.name}"`, this.writePolicy);
    }

    /**
     * The keys of the ledger's pin entries, or undefined when there are more than `limit`: a dry run of a large batch
     * checks its pins against them, one listing per 1,000 keys instead of a read per pin.
     */
    async pinKeysUpTo(limit: number): Promise<Set<string> | undefined> {
        const keys = new Set<string>();
        for await (const key of allKeys(this.store, 'pin-')) {
            if (keys.size >= limit) return undefined;
            keys.add(key);
        }
        return keys;
    }

    /** When pins with this link were published, newest last (for minDaysBetweenSameLink): one read, whatever the history. */
    async linkPublishTimes(link: string): Promise<number[]> {
        return (await this.linkRecord(link).read())?.publishedAt ?? [];
    }

    /** Remembers that a pin with this link went live at `at`; keeps the latest few times, which is all spacing needs. */
    async recordLinkPublished(link: string, at: number): Promise<void> {
        const record = this.linkRecord(link);
        const times = [...((await record.read())?.publishedAt ?? []), at].sort((a, b) => a - b).slice(-20);
        await record.write({ link, publishedAt: times });
    }

    /**
     * Adds a pin to the index of what this Actor published for an account, by time: `published-<account>-<time>-
     * <board>-<pin>`, so that "the pins I published since May" is one listing per 1,000 pins, with no record read.
     */
    async recordPublished(accountKey: string, pin: PublishedPin): Promise<void> {
        await this.store.setValue(`published-${accountKey}-${keyTime(pin.publishedAt)}-${pin.boardId}-${pin.pinId}`, {});
    }

    /** The index's key prefix of an account's pins published from `since` on (epoch ms), for listing. */
    static publishedRange(accountKey: string, since = 0): { prefix: string; startAfter: string } {
        const prefix = `published-${accountKey}-`;
        return { prefix, startAfter: `${prefix}${keyTime(Math.max(0, since - 1))}~` };
    }

    /** A published pin as its index key tells it. */
    static publishedPinOf(key: string): PublishedPin | undefined {
        const match = /^published-[0-9a-f]{12}-(\d{15})-(\d+)-(\d+)$/.exec(key);
        return match ? { publishedAt: Number(match[1]), boardId: match[2]!, pinId: match[3]! } : undefined;
    }

    /** Records that Pinterest's pin `pinId` is the one of ledger entry `key`. */
    async attribute(pinId: string, key: string): Promise<void> {
        this.attributedHere.set(pinId, key);
        await this.attributionRecord(pinId).write({ ledgerKey: key });
    }

    /** The ledger entry a Pinterest pin was attributed to, if any. */
    async attributedTo(pinId: string): Promise<string | undefined> {
        return this.attributedHere.get(pinId) ?? (await this.attributionRecord(pinId).read())?.ledgerKey;
    }

    private attributionRecord(pinId: string) {
        return new TypedRecord(
            this.store,
            `pinid-${pinId}`,
            attributionSchema,
            `attribution of pin ${pinId} in key-value store "${this.store.name}"`,
        );
    }

    private linkRecord(link: string) {
        const digest = createHash('sha256')
            .update(normalizeLink(link) ?? link)
            .digest('hex')
            .slice(0, 40);
        return new TypedRecord(this.store, `link-${digest}`, linkRecordSchema, `link record for ${link} in key-value store "${this.store.name}"`);
    }
}
