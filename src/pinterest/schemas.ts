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

/**
 * A pin as answers carry it. Only `id` is required and every other field is read leniently: a 201 to `POST /pins`
 * with an id is a pin that exists, and an odd shape elsewhere in it must not hide that (the pin would go unreported
 * and uncharged, and a re-run would post it again).
 */
export const pinSchema = z.looseObject({
    id: z.string(),
    title: nullableString.catch(undefined),
    description: nullableString.catch(undefined),
    link: nullableString.catch(undefined),
    alt_text: nullableString.catch(undefined),
    board_id: nullableString.catch(undefined),
    board_section_id: nullableString.catch(undefined),
    created_at: nullableString.catch(undefined),
    dominant_color: nullableString.catch(undefined),
    creative_type: nullableString.catch(undefined),
    media: z
        .looseObject({
            media_type: nullableString.catch(undefined),
            images: imagesSchema.catch(undefined),
            cover_image_url: nullableString.catch(undefined),
            items: z
                .array(z.looseObject({ images: imagesSchema, cover_image_url: nullableString }))
                .nullish()
                .catch(undefined),
        })
        .nullish()
        .catch(undefined),
    pin_metrics: z.record(z.string(), z.record(z.string(), z.number().nullish()).nullish()).nullish().catch(undefined),
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

/** An optional field read leniently: a value of an unexpected shape counts as absent instead of failing the whole answer. */
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/**
 * `POST /oauth/token` answer; the refresh fields come with the refresh and code grants. Only the tokens are
 * required: once Pinterest has answered a refresh, the old refresh token is dead, so an answer that carries the
 * new pair must be kept whatever else it lacks (a missing `scope` must not throw the new refresh token away).
 */
export const tokenResponseSchema = z.looseObject({
    access_token: z.string().min(1),
    token_type: lenient(z.string()),
    expires_in: lenient(z.number().positive()),
    scope: lenient(z.string()),
    refresh_token: lenient(z.string().min(1)),
    refresh_token_expires_in: lenient(z.number()),
    refresh_token_expires_at: lenient(z.number()),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;
