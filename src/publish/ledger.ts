import { createHash } from 'node:crypto';

import { z } from 'zod';

import type { NamedStore } from '../storage/contracts.js';
import { normalizeLink } from './links.js';
import { TypedRecord } from '../storage/records.js';
import type { PinDraft } from './draft.js';

export { DEFAULT_LEDGER_STORE } from './options.js';

/**
 * What the Actor knows about one pin it was asked to publish, kept in a named key-value store so that every
 * later run (and a restarted one) knows it too. Written before the POST (`sending`) and after it.
 * - `sending`: the POST may be under way or may have happened; only reconciliation can tell.
 * - `created`: Pinterest confirmed it (or reconciliation found it), with its id.
 * - `failed`: Pinterest refused it; a later run may try again.
 * - `unconfirmed`: reconciliation could not tell yet; the next run looks again before posting.
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
    status: z.enum(['sending', 'created', 'failed', 'unconfirmed']),
    /** The run that last acted on the entry, and the row position the pin had in it. */
    runId: z.string(),
    position: z.number().int().optional(),
    attempts: z.number().int().min(0),
    /** When the latest POST began (ms): a pin found by reconciliation must be newer than this. */
    attemptStartedAt: z.number(),
    pinId: z.string().optional(),
    pinUrl: z.string().optional(),
    /** When Pinterest confirmed the pin (ms). */
    createdAt: z.number().optional(),
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
        key: draft.key,
    };
}

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

export class PinLedger {
    constructor(readonly store: NamedStore) {}

    entry(key: string): TypedRecord<typeof ledgerEntrySchema> {
        return new TypedRecord(this.store, key, ledgerEntrySchema, `ledger entry ${key} in key-value store "${this.store.name}"`);
    }

    /** When pins with this link were published, newest last (for minDaysBetweenSameLink). */
    async linkPublishTimes(link: string): Promise<number[]> {
        return (await this.linkRecord(link).read())?.publishedAt ?? [];
    }

    /** Remembers that a pin with this link went live at `at`; keeps the latest few times, which is all spacing needs. */
    async recordLinkPublished(link: string, at: number): Promise<void> {
        const record = this.linkRecord(link);
        const times = [...((await record.read())?.publishedAt ?? []), at].sort((a, b) => a - b).slice(-20);
        await record.write({ link, publishedAt: times });
    }

    private linkRecord(link: string) {
        const digest = createHash('sha256')
            .update(normalizeLink(link) ?? link)
            .digest('hex')
            .slice(0, 40);
        return new TypedRecord(this.store, `link-${digest}`, linkRecordSchema, `link record for ${link} in key-value store "${this.store.name}"`);
    }
}

const linkRecordSchema = z.object({ link: z.string(), publishedAt: z.array(z.number()) });
