/**
 * Answers are read for what the Actor uses: anything the OpenAPI description allows parses, a field of an odd shape
 * reads as absent, and a list entry without what is needed is left out and counted instead of failing the page.
 */
import { describe, expect, it } from 'vitest';

import { pinInMultiPinSchema, skippedDaysOf, splitMetricsSchema, topPinsSchema } from '../../src/pinterest/analytics-schemas.js';
import {
    accountSchema,
    boardSchema,
    boardSectionSchema,
    mediaStatusSchema,
    mediaUploadAnswerSchema,
    pageSchema,
    pinSchema,
    tokenResponseSchema,
} from '../../src/pinterest/schemas.js';

describe('single answers', () => {
    it('an account needs nothing: an empty one parses, an odd field reads as absent', () => {
        expect(accountSchema.parse({})).toEqual({});
        expect(accountSchema.parse({ id: 7, username: 'ann', pin_count: 'many' })).toMatchObject({
            id: undefined,
            username: 'ann',
            pin_count: undefined,
        });
    });

    it('a board needs its id and name, as the description says; the rest is read leniently', () => {
        expect(boardSchema.safeParse({ name: 'No id' }).success).toBe(false);
        expect(boardSchema.safeParse({ id: '1' }).success).toBe(false);
        expect(boardSchema.parse({ id: '1', name: 'Board', media: 'cover.jpg', owner: { username: 42 }, pin_count: 3.5 })).toMatchObject({
            id: '1',
            name: 'Board',
            media: undefined,
            owner: { username: undefined },
            pin_count: undefined,
        });
    });

    it('a pin needs only its id', () => {
        expect(pinSchema.parse({ id: '9', media: { media_type: 'video', items: 'x' }, pin_metrics: [1] })).toMatchObject({
            id: '9',
            media: { media_type: 'video', items: undefined },
            pin_metrics: undefined,
        });
        expect(pinSchema.safeParse({ title: 'No id' }).success).toBe(false);
    });

    it('POST /media without upload_url or upload_parameters (both optional in the description) parses', () => {
        expect(mediaUploadAnswerSchema.parse({ media_id: '12345', media_type: 'video' })).toEqual({ media_id: '12345', media_type: 'video' });
        expect(mediaUploadAnswerSchema.parse({ media_id: '1', upload_parameters: { key: 'k', policy: 7 } }).upload_parameters).toEqual({
            key: 'k',
            policy: undefined,
        });
    });

    it('GET /media without a status parses; the status then reads as not known yet', () => {
        expect(mediaStatusSchema.parse({ media_id: '1', media_type: 'video' }).status).toBeUndefined();
    });

    it('a token answer needs only the access token', () => {
        expect(tokenResponseSchema.parse({ access_token: 'pina_x', scope: 3 })).toMatchObject({ access_token: 'pina_x', scope: undefined });
        expect(tokenResponseSchema.safeParse({ refresh_token: 'pinr_x' }).success).toBe(false);
    });
});

describe('list pages', () => {
    it('leaves out and counts entries without what is needed, keeping the rest in order', () => {
        const page = pageSchema(boardSchema).parse({
            items: [{ id: '1', name: 'First' }, { name: 'No id' }, null, { id: '2', name: 'Second' }],
            bookmark: 'next',
        });
        expect(page.items.items.map((board) => board.id)).toEqual(['1', '2']);
        expect(page.items.skipped).toBe(2);
        expect(page.bookmark).toBe('next');
    });

    it('leaves out a section without an id, which the description allows (only its name is required)', () => {
        const page = pageSchema(boardSectionSchema).parse({ items: [{ name: 'Spec-valid, unusable' }, { id: '5', name: 'Kept' }] });
        expect(page.items).toEqual({ items: [{ id: '5', name: 'Kept' }], skipped: 1 });
    });

    it('refuses a page whose items are not a list, or whose bookmark could not be paged on from', () => {
        expect(pageSchema(pinSchema).safeParse({ items: { id: '1' } }).success).toBe(false);
        expect(pageSchema(pinSchema).safeParse({ bookmark: null }).success).toBe(false);
        expect(pageSchema(pinSchema).safeParse({ items: [], bookmark: 12 }).success).toBe(false);
    });
});

describe('analytics answers', () => {
    it('leaves out a day without a date, and counts it', () => {
        const answer = splitMetricsSchema.parse({
            all: {
                daily_metrics: [
                    { date: '2025-06-01', data_status: 'READY', metrics: { IMPRESSION: 10 } },
                    { data_status: 'READY', metrics: { IMPRESSION: 99 } },
                    { date: '2025-06-02', metrics: { IMPRESSION: null, SAVE: 'n/a' } },
                ],
                summary_metrics: { IMPRESSION: 10 },
            },
        });
        expect(answer.all?.daily_metrics?.map((day) => day.date)).toEqual(['2025-06-01', '2025-06-02']);
        expect(answer.all?.daily_metrics?.[1]?.metrics).toEqual({ IMPRESSION: null, SAVE: null });
        expect(skippedDaysOf(answer)).toBe(1);
    });

    it('reads a block with nothing in it (every field is optional), and leaves out a split value that is no block', () => {
        expect(splitMetricsSchema.parse({ all: {}, WEB: 'nothing' })).toEqual({ all: { daily_metrics: [], skippedDays: 0 } });
    });

    it("reads one pin's value in the multi-pin answer with or without the split level", () => {
        const block = { daily_metrics: [{ date: '2025-06-01', metrics: { SAVE: 1 } }] };
        expect(pinInMultiPinSchema.parse(block).all?.daily_metrics).toHaveLength(1);
        expect(pinInMultiPinSchema.parse({ all: block }).all?.daily_metrics).toHaveLength(1);
    });

    it('leaves out a top pin without a pin_id, and reads an answer without pins as none', () => {
        const top = topPinsSchema.parse({
            pins: [{ metrics: { IMPRESSION: 5 } }, { pin_id: '7', metrics: { IMPRESSION: 3 } }],
            sort_by: 'IMPRESSION',
        });
        expect(top.pins.map((pin) => pin.pin_id)).toEqual(['7']);
        expect(top.skippedPins).toBe(1);
        expect(topPinsSchema.parse({})).toMatchObject({ pins: [], skippedPins: 0 });
    });
});
