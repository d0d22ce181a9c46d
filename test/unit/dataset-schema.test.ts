import { readFileSync } from 'node:fs';

import { getDatasetSchemaValidator, getOutputSchemaValidator } from '@apify/json_schemas';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { accountAnalyticsItemSchema, analyticsSnapshotItemSchema } from '../../src/output/analytics-items.js';
import { boardSummaries } from '../../src/analytics/report-data.js';
import { mergeBlock } from '../../src/analytics/metrics.js';
import { toPinAnalyticsItem } from '../../src/analytics/pin-analytics.js';
import {
    accountConnectionItemSchema,
    createdPinFields,
    accountFailureItemSchema,
    DATASET_VIEWS,
    pinDeletionItemSchema,
    pinResultItem,
    pinUpdateItemSchema,
    scheduledPinItemSchema,
    scheduledPinUpdateItemSchema,
    toBoardItem,
    toPinItem,
} from '../../src/output/items.js';
import { pinSchema } from '../../src/pinterest/schemas.js';

interface View {
    transformation: { fields: string[] };
    display: { component: string; properties: Record<string, { format?: string }> };
}
const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Record<string, unknown>;
const dataset = readJson('../../.actor/dataset_schema.json') as {
    fields: { properties: Record<string, { enum?: unknown[] }> };
    views: Record<string, View>;
};
const output = readJson('../../.actor/output_schema.json') as { properties: Record<string, { template: string }> };

/** The item type each view shows: the `type` literal of its schema in DATASET_VIEWS. */
const itemType = (schema: z.ZodObject) => (schema.shape.type as z.ZodLiteral<string>).value;

const samplePin = pinSchema.parse({
    id: '813744226420795884',
    title: 'Lemon tart',
    board_id: '549755885175',
    created_at: '2025-04-28T16:02:11',
    media: { media_type: 'image', images: { '600x': { width: 600, height: 900, url: 'https://i.pinimg.com/600x/a.jpg' } } },
    pin_metrics: { '90d': { impression: 3 } },
});
const pinAnalyticsSample = toPinAnalyticsItem(
    {
        id: '813744226420795884',
        title: 'Lemon tart',
        imageUrl: null,
        mediaType: 'image',
        boardId: '549755885175',
        publishedAt: '2025-05-30T09:00:00.000Z',
    },
    { startDate: '2025-06-01', endDate: '2025-06-01' },
    'multiPin',
    mergeBlock({
        daily_metrics: [{ date: '2025-06-01', data_status: 'READY', metrics: { IMPRESSION: 10, SAVE: 1 } }],
        summary_metrics: { IMPRESSION: 10, SAVE: 1 },
        lifetime_metrics: { TOTAL_COMMENTS: 2 },
    }),
);
const samples = [
    toBoardItem({ id: '549755885175', name: 'Summer', owner: { username: 'jane' }, pin_count: 3, created_at: '2024-03-11T08:21:40' }),
    toPinItem(samplePin),
    pinResultItem({ status: 'created', position: 1, source: 'input', ...createdPinFields(samplePin, { boardId: '549755885175' }) }),
    pinAnalyticsSample,
    scheduledPinItemSchema.parse({
        type: 'scheduledPin',
        scheduleId: '3f9a0c2e71b84d5e9a10',
        status: 'failed',
        publishAt: '2026-12-01T08:00:00Z',
        publishAtLocal: '2026-12-01 09:00 Europe/Berlin',
        boardId: '549755885175',
        title: 'Lemon tart',
        description: null,
        link: 'https://example.com/tart',
        imageUrl: 'https://example.com/tart.jpg',
        mediaType: 'image',
        key: null,
        attempts: 3,
        lastError: 'Pinterest answered with a server error (HTTP 503).',
        nextAttemptAt: null,
        id: null,
        url: null,
        publishedAt: null,
    }),
    pinUpdateItemSchema.parse({
        type: 'pinUpdate',
        status: 'updated',
        pinId: '813744226420795884',
        url: 'https://www.pinterest.com/pin/813744226420795884/',
        source: 'board 549755885175',
        title: 'Lemon tart',
        imageUrl: 'https://i.pinimg.com/600x/a.jpg',
        changes: { linkUrl: { before: 'https://old.example.com/tart', after: 'https://new.example.com/tart?utm_source=pinterest' } },
        error: null,
        reason: null,
    }),
    pinDeletionItemSchema.parse({
        type: 'pinDeletion',
        status: 'not-found',
        pinId: '813744226420795884',
        url: 'https://www.pinterest.com/pin/813744226420795884/',
        error: null,
        reason: 'Pinterest has no such pin (already deleted, or not one this token can see), so there was nothing to delete.',
    }),
    scheduledPinUpdateItemSchema.parse({
        type: 'scheduledPinUpdate',
        status: 'updated',
        scheduleId: '3f9a0c2e71b84d5e9a10',
        newScheduleId: '0b1c2d3e4f5a6b7c8d9e',
        publishAt: '2026-12-01T09:00:00Z',
        publishAtLocal: '2026-12-01 10:00 Europe/Berlin',
        title: 'Lemon tart',
        changes: { pinTitle: { before: 'Lemon tarte', after: 'Lemon tart' } },
        reason: null,
    }),
    { ...toBoardItem({ id: '549755885177', name: 'Spring' }), sections: [{ id: '4987654321098765432', name: 'Breakfast' }] },
    accountFailureItemSchema.parse({
        type: 'accountFailure',
        account: 'client-c',
        ownerUsername: null,
        mode: 'publish-scheduled',
        reason: 'Pinterest rejected the access token: it is expired or revoked.',
    }),
    accountAnalyticsItemSchema.parse({
        type: 'accountAnalytics',
        date: '2025-06-01',
        dataStatus: 'READY',
        split: 'all',
        source: 'history',
        storedAt: '2025-06-04T06:00:00.000Z',
        metrics: { impression: 10 },
    }),
    boardSummaries([pinAnalyticsSample], new Map([['549755885175', 'Summer']]), { startDate: '2025-06-01', endDate: '2025-06-01' })[0]!,
    analyticsSnapshotItemSchema.parse({
        type: 'analyticsSnapshot',
        accountId: '702000000000000001',
        username: 'jane',
        snapshotAt: '2026-03-05T06:00:00.000Z',
        historyStore: 'pinterest-analytics-history',
        fetchedStartDate: '2026-03-02',
        fetchedEndDate: '2026-03-05',
        daysWritten: 4,
        daysFinal: 1,
        daysPending: 3,
        lostStartDate: null,
        lostEndDate: null,
        historyFirstDate: '2025-12-06',
        historyLastDate: '2026-03-05',
        followerCount: 1284,
        followingCount: 312,
        monthlyViews: 48210,
        pinCount: 48,
        boardCount: 4,
        publishedPins: 3,
        topPins: 25,
        pinsRecorded: 27,
        recordsWritten: ['account-0123456789ab-2026', 'pins-0123456789ab-2026-03'],
    }),
    accountConnectionItemSchema.parse({
        type: 'accountConnection',
        status: 'connected',
        label: 'client-a',
        environment: 'production',
        appId: '1234567',
        redirectUri: 'https://agency.example.com/pinterest/connected',
        authorizationUrl: null,
        scopes: ['boards:read', 'pins:read'],
        username: 'client_shop',
        accountType: 'BUSINESS',
        accessTokenExpiresAt: '2027-01-06T09:00:00.000Z',
        refreshTokenExpiresAt: '2027-02-05T09:00:00.000Z',
        credentialsStoreName: 'pinterest-credentials',
        credentialsRecordKey: 'pinterest-production-1234567-label-client-a',
        nextStep: 'Later runs need only the label client-a.',
    }),
];

describe('.actor/dataset_schema.json', () => {
    it("is valid by Apify's own schema of dataset schemas (@apify/json_schemas)", () => {
        const validate = getDatasetSchemaValidator();
        expect(validate(dataset), JSON.stringify(validate.errors)).toBe(true);
    });

    it('describes exactly the fields the Actor writes', () => {
        const written = new Set(Object.values(DATASET_VIEWS).flatMap((schema) => Object.keys(schema.shape)));
        expect(new Set(Object.keys(dataset.fields.properties))).toEqual(written);
    });

    it('names every item type of the table in the type field, and no other', () => {
        const types = Object.values(DATASET_VIEWS).map(itemType);
        expect([...(dataset.fields.properties.type?.enum ?? [])].sort()).toEqual([...types].sort());
        expect(new Set(samples.map((item) => item.type))).toEqual(new Set(types));
    });

    it('accepts the items the Actor produces', () => {
        const validate = new Ajv({ strict: false }).compile(dataset.fields);
        for (const item of samples) expect(validate(item), JSON.stringify(validate.errors)).toBe(true);
    });

    it('has one table view per item type, showing only fields that type has', () => {
        expect(Object.keys(dataset.views).sort()).toEqual(Object.keys(DATASET_VIEWS).sort());
        for (const [name, schema] of Object.entries(DATASET_VIEWS)) {
            const view = dataset.views[name];
            const fields = Object.keys(schema.shape);
            expect(view?.display.component).toBe('table');
            for (const field of view?.transformation.fields ?? []) expect(fields, `${name} shows ${field}`).toContain(field);
            expect(Object.keys(view?.display.properties ?? {}).sort()).toEqual([...(view?.transformation.fields ?? [])].sort());
        }
    });

    it('shows each field in a format of its type: numbers as numbers, objects as objects, text as text, links or images', () => {
        const formats: Record<string, string[]> = {
            string: ['text', 'link', 'image', 'date'],
            number: ['number'],
            integer: ['number'],
            boolean: ['boolean'],
            object: ['object'],
            array: ['array'],
        };
        for (const [name, schema] of Object.entries(DATASET_VIEWS)) {
            type JsonType = { type?: string | string[]; anyOf?: JsonType[] };
            const fields = (z.toJSONSchema(schema, { io: 'output' }) as { properties: Record<string, JsonType> }).properties;
            // Nullable fields are `type: [t, "null"]` or `anyOf: [t, null]`; a record or open object has no type of its own.
            const typeOf = (json: JsonType | undefined): string =>
                [json?.type ?? []].flat().find((each) => each !== 'null') ??
                (json?.anyOf ? typeOf(json.anyOf.find((each) => each.type !== 'null')) : 'object');
            for (const [field, { format }] of Object.entries(dataset.views[name]?.display.properties ?? {})) {
                const type = typeOf(fields[field]);
                expect(formats[type], `${name}.${field} (${type}) shown as ${format}`).toContain(format);
            }
        }
    });

    it('shows images as images and links as links', () => {
        expect(dataset.views.boards?.display.properties.coverImageUrl?.format).toBe('image');
        expect(dataset.views.pins?.display.properties.imageUrl?.format).toBe('image');
        expect(dataset.views.pins?.display.properties.url?.format).toBe('link');
    });
});

describe('.actor/output_schema.json', () => {
    it("is valid by Apify's own schema of output schemas (@apify/json_schemas)", () => {
        const validate = getOutputSchemaValidator();
        expect(validate(output), JSON.stringify(validate.errors)).toBe(true);
    });

    it('links every view of the dataset', () => {
        const linked = Object.values(output.properties).flatMap(({ template }) => /[?&]view=([^&]+)/.exec(template)?.[1] ?? []);
        expect([...linked].sort()).toEqual(Object.keys(DATASET_VIEWS).sort());
    });

    it('links only to views that exist', () => {
        for (const { template } of Object.values(output.properties)) {
            const view = /[?&]view=([^&]+)/.exec(template)?.[1];
            if (view) expect(Object.keys(dataset.views)).toContain(view);
        }
    });

    it('links the OUTPUT record with the run summary', () => {
        expect(Object.values(output.properties).map(({ template }) => template)).toContain('{{links.apiDefaultKeyValueStoreUrl}}/records/OUTPUT');
    });
});
