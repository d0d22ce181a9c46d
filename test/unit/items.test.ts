import { describe, expect, it } from 'vitest';

import {
    boardItemSchema,
    boardUrl,
    largestImageUrl,
    pinItemSchema,
    toBoardItem,
    createdPinFields,
    pinResultItem,
    pinResultItemSchema,
    toPinItem,
    utcTimestamp,
} from '../../src/output/items.js';
import { pinSchema } from '../../src/pinterest/schemas.js';

const apiPin = pinSchema.parse({
    id: '813744288926064134',
    title: 'Lemon tart',
    description: 'Bright and easy',
    link: 'https://example.com/tart',
    board_id: '549755885175',
    created_at: '2026-10-01T10:00:00',
    media: {
        media_type: 'image',
        images: {
            '150x150': { width: 150, height: 150, url: 'https://i.pinimg.com/150x150/a.jpg' },
            '1200x': { width: 1200, height: 1800, url: 'https://i.pinimg.com/1200x/a.jpg' },
            '600x': { width: 600, height: 900, url: 'https://i.pinimg.com/600x/a.jpg' },
        },
    },
    pin_metrics: { '90d': { pin_click: 7, impression: 2, clickthrough: 3 }, lifetime_metrics: { pin_click: 9, reaction: 10, comment: 2 } },
});

describe('toPinItem', () => {
    it('flattens a pin into camelCase fields with the largest image and its URL', () => {
        const item = toPinItem(apiPin);
        expect(pinItemSchema.parse(item)).toEqual(item);
        expect(item).toMatchObject({
            type: 'pin',
            id: '813744288926064134',
            title: 'Lemon tart',
            boardId: '549755885175',
            imageUrl: 'https://i.pinimg.com/1200x/a.jpg',
            url: 'https://www.pinterest.com/pin/813744288926064134/',
            altText: null,
        });
    });

    it('renames metric groups and counters', () => {
        expect(toPinItem(apiPin).metrics).toEqual({
            last90Days: { pinClick: 7, impression: 2, clickthrough: 3 },
            lifetime: { pinClick: 9, reaction: 10, comment: 2 },
        });
        expect(toPinItem({ ...apiPin, pin_metrics: null }).metrics).toBeUndefined();
    });
});

describe('largestImageUrl', () => {
    it('falls back to a video cover and to the first carousel slide', () => {
        expect(largestImageUrl(pinSchema.parse({ id: '1', media: { media_type: 'video', cover_image_url: 'https://i.pinimg.com/v.jpg' } }))).toBe(
            'https://i.pinimg.com/v.jpg',
        );
        const carousel = pinSchema.parse({
            id: '2',
            media: {
                media_type: 'multiple_images',
                items: [{ images: { '400x300': { width: 400, height: 300, url: 'https://i.pinimg.com/s1.jpg' } } }],
            },
        });
        expect(largestImageUrl(carousel)).toBe('https://i.pinimg.com/s1.jpg');
        expect(largestImageUrl(pinSchema.parse({ id: '3' }))).toBeNull();
    });
});

describe('toBoardItem', () => {
    it('maps counts, cover and a board URL from owner and name', () => {
        const item = toBoardItem({
            id: '549755885175',
            name: 'Summer Recipes & Drinks',
            owner: { username: 'janedoe' },
            privacy: 'PUBLIC',
            pin_count: 12,
            follower_count: 3,
            media: { image_cover_url: 'https://i.pinimg.com/cover.jpg' },
        });
        expect(boardItemSchema.parse(item)).toEqual(item);
        expect(item).toMatchObject({
            pinCount: 12,
            followerCount: 3,
            coverImageUrl: 'https://i.pinimg.com/cover.jpg',
            url: 'https://www.pinterest.com/janedoe/summer-recipes-drinks/',
        });
    });

    it('gives no URL when the owner is unknown', () => {
        expect(boardUrl(undefined, 'Anything')).toBeNull();
        expect(boardUrl('jane', 'Café Idées')).toBe('https://www.pinterest.com/jane/cafe-idees/');
    });
});

describe('utcTimestamp', () => {
    it('marks Pinterest’s zone-less times as UTC and leaves others alone', () => {
        expect(utcTimestamp('2022-10-13T01:40:29')).toBe('2022-10-13T01:40:29Z');
        expect(utcTimestamp('2022-10-13T01:40:29.123')).toBe('2022-10-13T01:40:29.123Z');
        expect(utcTimestamp('2022-10-13T01:40:29+02:00')).toBe('2022-10-13T01:40:29+02:00');
        expect(utcTimestamp(null)).toBeNull();
        expect(toPinItem(apiPin).createdAt).toBe('2026-10-01T10:00:00Z');
    });
});

describe('pin result rows', () => {
    it('carry what Pinterest said about the created pin, and null for what does not apply', () => {
        const row = pinResultItem({ status: 'created', position: 2, source: 'pins[1]', ...createdPinFields(apiPin, { boardId: '549755885175' }) });
        expect(row).toMatchObject({
            type: 'pinResult',
            status: 'created',
            position: 2,
            id: apiPin.id,
            boardId: '549755885175',
            error: null,
            reason: null,
        });
        expect(pinResultItemSchema.parse(row)).toEqual(row);
    });
});
