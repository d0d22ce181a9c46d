import { z } from 'zod';

import { PIN_LIMITS } from './limits.js';

/**
 * Shapes of what crosses the wire, after Pinterest's OpenAPI description v5.23.0.
 *
 * Answers are read for what the Actor uses and nothing more: a field is required only when the code cannot go on
 * without it (a board's id and name, a pin's id), every other field is optional and read leniently (a value of an
 * unexpected shape counts as absent instead of failing the whole answer), and unknown fields are kept, because
 * Pinterest adds fields over time and the description marks most fields optional. A list entry without what is
 * needed is left out of its page and counted (`Sifted.skipped`), so one odd entry does not cost the whole list.
 *
 * Requests are strict, because the API rejects what it does not know.
 */

/** An optional field read leniently: a value of an unexpected shape counts as absent. */
export const lenient = <T extends z.ZodType>(schema: T) => schema.nullish().catch(undefined);

const text = lenient(z.string());
const count = lenient(z.number().int());

/** A list's entries that hold what is needed, and how many did not (and were left out). */
export interface Sifted<T> {
    items: T[];
    skipped: number;
}

/** Parses each entry on its own: the ones `item` accepts are kept, the others counted as skipped. */
export function sift<T extends z.ZodType>(item: T, entries: readonly unknown[]): Sifted<z.infer<T>> {
    const items: z.infer<T>[] = [];
    let skipped = 0;
    for (const entry of entries) {
        const parsed = item.safeParse(entry);
        if (parsed.success) items.push(parsed.data);
        else skipped += 1;
    }
    return { items, skipped };
}

/** An array whose unusable entries are left out instead of failing the answer. */
export const usableEntries = <T extends z.ZodType>(item: T) => z.array(z.unknown()).transform((entries) => sift(item, entries));

export const errorBodySchema = z.looseObject({
    code: z.number().optional().catch(undefined),
    message: z.string().optional().catch(undefined),
    message_detail: z.string().optional().catch(undefined),
});

/** `GET /user_account`: nothing is required (preflight shows the username, the queue keys on the id). */
export const accountSchema = z.looseObject({
    id: text,
    username: text,
    account_type: text,
    business_name: text,
    board_count: count,
    pin_count: count,
    follower_count: count,
    following_count: count,
    monthly_views: count,
});
export type Account = z.infer<typeof accountSchema>;

/** A board: its id (to pin on it) and name (to find it by name) are required, as the description says too. */
export const boardSchema = z.looseObject({
    id: z.string(),
    name: z.string(),
    description: text,
    privacy: text,
    owner: lenient(z.looseObject({ username: text })),
    created_at: text,
    board_pins_modified_at: text,
    pin_count: count,
    follower_count: count,
    collaborator_count: count,
    media: lenient(z.looseObject({ image_cover_url: text, pin_thumbnail_urls: lenient(z.array(z.string())) })),
});
export type Board = z.infer<typeof boardSchema>;

const imageDetailsSchema = z.looseObject({ url: z.string(), width: count, height: count });
export type ImageDetails = z.infer<typeof imageDetailsSchema>;
const imagesSchema = lenient(z.record(z.string(), imageDetailsSchema));

/**
 * A pin as answers carry it. Only `id` is required (the description requires nothing else either): a 201 to
 * `POST /pins` with an id is a pin that exists, and an odd shape elsewhere in it must not hide that (the pin would
 * go unreported and uncharged, and a re-run would post it again).
 */
export const pinSchema = z.looseObject({
    id: z.string(),
    title: text,
    description: text,
    link: text,
    alt_text: text,
    board_id: text,
    board_section_id: text,
    created_at: text,
    dominant_color: text,
    creative_type: text,
    media: lenient(
        z.looseObject({
            media_type: text,
            images: imagesSchema,
            cover_image_url: text,
            items: lenient(z.array(z.looseObject({ images: imagesSchema, cover_image_url: text }))),
        }),
    ),
    pin_metrics: lenient(z.record(z.string(), lenient(z.record(z.string(), z.number().nullish())))),
});
export type Pin = z.infer<typeof pinSchema>;

/** A section: the description requires only its name, but a section without an id cannot be used. */
export const boardSectionSchema = z.looseObject({ id: z.string(), name: z.string() });
export type BoardSection = z.infer<typeof boardSectionSchema>;

/**
 * One page of a list. `items` is required (as the description says); entries the item schema refuses are left out
 * and counted. A bookmark that is not a string or null is not trusted: paging on from it could skip or repeat items.
 */
export const pageSchema = <T extends z.ZodType>(item: T) => z.looseObject({ items: usableEntries(item), bookmark: z.string().nullish() });

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

const digits = z.string().regex(/^\d+$/);

/**
 * `PATCH /pins/{pin_id}` body (PinUpdate). A field left out stays as it is; `null` clears the nullable ones
 * (moving a pin out of its section is `board_section_id: null`).
 */
export const pinUpdateSchema = z.strictObject({
    title: z.string().max(PIN_LIMITS.title).nullable().optional(),
    description: z.string().max(PIN_LIMITS.description).nullable().optional(),
    link: z.string().max(PIN_LIMITS.link).nullable().optional(),
    alt_text: z.string().max(PIN_LIMITS.altText).nullable().optional(),
    board_id: digits.optional(),
    board_section_id: digits.nullable().optional(),
    carousel_slots: z
        .array(z.strictObject({ title: z.string().optional(), description: z.string().optional(), link: z.string().optional() }))
        .optional(),
});
export type PinUpdate = z.infer<typeof pinUpdateSchema>;

/** `POST /pins/{pin_id}/save` body: the board (and optionally its section) to save the pin to. */
export const pinSaveSchema = z.strictObject({
    board_id: digits,
    board_section_id: digits.optional(),
});
export type PinSave = z.infer<typeof pinSaveSchema>;

/** `POST /boards` body (BoardCreate). */
export const boardCreateSchema = z.strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    privacy: z.enum(['PUBLIC', 'PROTECTED', 'SECRET']).optional(),
});
export type BoardCreate = z.infer<typeof boardCreateSchema>;

/** `POST /boards/{board_id}/sections` body (BoardSection without its read-only id): a name of 1–180 characters. */
export const boardSectionCreateSchema = z.strictObject({ name: z.string().min(1).max(180) });
export type BoardSectionCreate = z.infer<typeof boardSectionCreateSchema>;

/**
 * `POST /media` answer. The description makes `upload_url` and `upload_parameters` optional; the video upload needs
 * both, which the client checks (saying what is missing), so the parse itself refuses nothing.
 */
export const mediaUploadAnswerSchema = z.looseObject({
    media_id: text,
    media_type: text,
    upload_url: text,
    upload_parameters: lenient(z.record(z.string(), z.string().nullish().catch(undefined))),
});

/** What a video upload needs from the `POST /media` answer. */
export interface MediaUpload {
    media_id: string;
    media_type?: string | null;
    upload_url: string;
    upload_parameters: Record<string, string | null | undefined>;
}

/** `GET /media/{media_id}` answer. A missing `status` reads as "not known yet": the caller polls again. */
export const mediaStatusSchema = z.looseObject({
    media_id: text,
    media_type: text,
    status: text,
});
export type MediaStatus = z.infer<typeof mediaStatusSchema>;

/** `DELETE /pins/{pin_id}` answers 204 with no body: whatever comes is ignored. */
export const noContentSchema = z.unknown();

/**
 * `POST /oauth/token` answer; the refresh fields come with the refresh and code grants. Only the access token is
 * required: once Pinterest has answered a refresh, the old refresh token is dead, so an answer that carries the
 * new pair must be kept whatever else it lacks (a missing `scope` must not throw the new refresh token away).
 */
export const tokenResponseSchema = z.looseObject({
    access_token: z.string().min(1),
    token_type: z.string().optional().catch(undefined),
    expires_in: z.number().positive().optional().catch(undefined),
    scope: z.string().optional().catch(undefined),
    refresh_token: z.string().min(1).optional().catch(undefined),
    refresh_token_expires_in: z.number().optional().catch(undefined),
    refresh_token_expires_at: z.number().optional().catch(undefined),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** `GET /ad_accounts/{ad_account_id}`, as far as a Business Access refusal needs it: the caller's roles there. */
export const adAccountRolesSchema = z.looseObject({
    id: z.string(),
    permissions: z.array(z.string()).optional().catch(undefined),
});
