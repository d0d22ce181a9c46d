import { z } from 'zod';

import { PIN_LIMITS } from './limits.js';

/**
 * Shapes of what crosses the wire, after Pinterest's OpenAPI description v5.23.0. Responses are parsed
 * leniently (unknown fields kept, optional fields nullable) because Pinterest adds fields over time; requests
 * are strict, because the API rejects what it does not know.
 */

const nullableString = z.string().nullish();
const nullableCount = z.number().int().nullish();

export const errorBodySchema = z.looseObject({
    code: z.number().optional(),
    message: z.string().optional(),
    message_detail: z.string().optional(),
});

export const accountSchema = z.looseObject({
    id: z.string().optional(),
    username: nullableString,
    account_type: nullableString,
    business_name: nullableString,
    board_count: nullableCount,
    pin_count: nullableCount,
    follower_count: nullableCount,
    monthly_views: nullableCount,
});
export type Account = z.infer<typeof accountSchema>;

export const boardSchema = z.looseObject({
    id: z.string(),
    name: z.string(),
    description: nullableString,
    privacy: nullableString,
    owner: z.looseObject({ username: nullableString }).nullish(),
    created_at: nullableString,
    board_pins_modified_at: nullableString,
    pin_count: nullableCount,
    follower_count: nullableCount,
    collaborator_count: nullableCount,
    media: z.looseObject({ image_cover_url: nullableString, pin_thumbnail_urls: z.array(z.string()).nullish() }).nullish(),
});
export type Board = z.infer<typeof boardSchema>;

const imageDetailsSchema = z.looseObject({ url: z.string(), width: nullableCount, height: nullableCount });
export type ImageDetails = z.infer<typeof imageDetailsSchema>;
const imagesSchema = z.record(z.string(), imageDetailsSchema).nullish();

export const pinSchema = z.looseObject({
    id: z.string(),
    title: nullableString,
    description: nullableString,
    link: nullableString,
    alt_text: nullableString,
    board_id: nullableString,
    board_section_id: nullableString,
    created_at: nullableString,
    dominant_color: nullableString,
    creative_type: nullableString,
    media: z
        .looseObject({
            media_type: nullableString,
            images: imagesSchema,
            cover_image_url: nullableString,
            items: z.array(z.looseObject({ images: imagesSchema, cover_image_url: nullableString })).nullish(),
        })
        .nullish(),
    pin_metrics: z.record(z.string(), z.record(z.string(), z.number().nullish()).nullish()).nullish(),
});
export type Pin = z.infer<typeof pinSchema>;

export const boardSectionSchema = z.looseObject({ id: z.string(), name: z.string() });
export type BoardSection = z.infer<typeof boardSectionSchema>;

export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), bookmark: nullableString });

/** `POST /pins` body (PinCreate). Strict: an unknown field is a bug on our side, not something to send. */
export const pinCreateSchema = z.strictObject({
    board_id: z.string().regex(/^\d+$/),
    board_section_id: z.string().regex(/^\d+$/).optional(),
    title: z.string().max(PIN_LIMITS.title).optional(),
    description: z.string().max(PIN_LIMITS.description).optional(),
    link: z.string().max(PIN_LIMITS.link).optional(),
    alt_text: z.string().max(PIN_LIMITS.altText).optional(),
    dominant_color: z.string().optional(),
    media_source: z.discriminatedUnion('source_type', [
        z.strictObject({ source_type: z.literal('image_url'), url: z.string().min(1) }),
        z.strictObject({
            source_type: z.literal('video_id'),
            media_id: z.string().regex(/^\d+$/),
            cover_image_url: z.string().min(1),
        }),
        z.strictObject({
            source_type: z.literal('multiple_image_urls'),
            items: z
                .array(
                    z.strictObject({
                        url: z.string().min(1),
                        title: z.string().optional(),
                        description: z.string().optional(),
                        link: z.string().optional(),
                    }),
                )
                .min(PIN_LIMITS.carouselMin)
                .max(PIN_LIMITS.carouselMax),
        }),
    ]),
});
export type PinCreate = z.infer<typeof pinCreateSchema>;

/** `POST /boards` body (BoardCreate). */
export const boardCreateSchema = z.strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    privacy: z.enum(['PUBLIC', 'PROTECTED', 'SECRET']).optional(),
});
export type BoardCreate = z.infer<typeof boardCreateSchema>;

/** `POST /media` answer: where to upload a video and with which form fields. */
export const mediaUploadSchema = z.looseObject({
    media_id: z.string(),
    media_type: nullableString,
    upload_url: z.string(),
    upload_parameters: z.record(z.string(), z.string().nullish()).nullish(),
});
export type MediaUpload = z.infer<typeof mediaUploadSchema>;

/** `GET /media/{media_id}` answer. */
export const mediaStatusSchema = z.looseObject({
    media_id: nullableString,
    media_type: nullableString,
    status: z.string(),
});
export type MediaStatus = z.infer<typeof mediaStatusSchema>;

/** `POST /oauth/token` answer; the refresh fields come with the refresh and code grants. */
export const tokenResponseSchema = z.looseObject({
    access_token: z.string().min(1),
    token_type: z.string(),
    expires_in: z.number(),
    scope: z.string(),
    refresh_token: z.string().min(1).optional(),
    refresh_token_expires_in: z.number().optional(),
    refresh_token_expires_at: z.number().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;
