import { z } from 'zod';

import { blankToUndefined, FIELDS, httpUrl, LIMITS, optionalText, pinterestId, trimmed } from '../input/fields.js';
import { PIN_LIMITS } from '../pinterest/limits.js';
import type { PinCreate } from '../pinterest/schemas.js';

/**
 * One pin as the user describes it: the top-level single-pin fields, each item of `pins` and each CSV row are
 * all read with this one schema, so a limit or a message is the same wherever the pin came from.
 */
export const pinDraftShape = {
    boardId: FIELDS.boardId,
    boardName: optionalText(trimmed().max(180, 'boardName must be at most 180 characters')),
    boardSectionId: pinterestId('boardSectionId'),
    /** Instead of boardSectionId: the section's name on the pin's board, matched like boardName. */
    boardSectionName: optionalText(trimmed().max(180, 'boardSectionName must be at most 180 characters')),
    pinTitle: optionalText(trimmed().max(LIMITS.pinTitle, `pinTitle must be at most ${LIMITS.pinTitle} characters`)),
    pinDescription: optionalText(trimmed().max(LIMITS.pinDescription, `pinDescription must be at most ${LIMITS.pinDescription} characters`)),
    imageUrl: optionalText(httpUrl('imageUrl', LIMITS.imageUrl)),
    imageUrls: z.preprocess(
        blankToUndefined,
        z
            .array(httpUrl('imageUrls', PIN_LIMITS.mediaUrl), { error: 'imageUrls must be a list of image URLs' })
            .min(
                PIN_LIMITS.carouselMin,
                `imageUrls must list ${PIN_LIMITS.carouselMin} to ${PIN_LIMITS.carouselMax} images for a carousel (use imageUrl for one image)`,
            )
            .max(PIN_LIMITS.carouselMax, `imageUrls must list ${PIN_LIMITS.carouselMin} to ${PIN_LIMITS.carouselMax} images for a carousel`)
            .optional(),
    ),
    videoUrl: optionalText(httpUrl('videoUrl', PIN_LIMITS.mediaUrl)),
    coverImageUrl: optionalText(httpUrl('coverImageUrl', PIN_LIMITS.mediaUrl)),
    linkUrl: optionalText(httpUrl('linkUrl', LIMITS.linkUrl).refine((url) => url.length > 0, 'linkUrl must not be empty')),
    altText: optionalText(trimmed().max(LIMITS.altText, `altText must be at most ${LIMITS.altText} characters`)),
    publishAt: optionalText(trimmed().max(64, 'publishAt must be an ISO 8601 date and time such as 2026-12-01T09:00:00Z')),
    key: optionalText(trimmed().max(200, 'key must be at most 200 characters')),
};

export const pinDraftSchema = z.object(pinDraftShape);
export type PinDraft = z.infer<typeof pinDraftSchema>;

/** Rules that span a draft's fields: what makes a pin, and which media combinations Pinterest takes. */
export function draftProblems(draft: PinDraft): string[] {
    const problems: string[] = [];
    if (!draft.boardId && !draft.boardName) problems.push('boardId or boardName is required');
    if (draft.boardId && draft.boardName) problems.push('give boardId or boardName, not both');
    if (draft.boardSectionId && draft.boardSectionName) problems.push('give boardSectionId or boardSectionName, not both');
    const media = [draft.imageUrl && 'imageUrl', draft.imageUrls && 'imageUrls', draft.videoUrl && 'videoUrl'].filter(Boolean);
    if (media.length === 0) problems.push('imageUrl, imageUrls (a carousel) or videoUrl is required');
    if (media.length > 1) problems.push(`a pin has one kind of media, but ${media.join(' and ')} were given`);
    if (draft.videoUrl && !draft.coverImageUrl) problems.push('videoUrl needs coverImageUrl: Pinterest requires a cover image for a video pin');
    if (draft.coverImageUrl && !draft.videoUrl) problems.push('coverImageUrl is only for video pins (with videoUrl)');
    if (!draft.pinTitle) problems.push('pinTitle is required');
    return problems;
}

export type DraftCheck = { ok: true; draft: PinDraft } | { ok: false; problems: string[] };

/** Reads one raw pin, returning it or every problem with it (each naming its field). */
export function checkDraft(raw: unknown): DraftCheck {
    const parsed = pinDraftSchema.safeParse(raw ?? {});
    if (!parsed.success) {
        return {
            ok: false,
            problems: parsed.error.issues.map((issue) =>
                issue.message.startsWith(String(issue.path[0] ?? '')) ? issue.message : `${issue.path.join('.')}: ${issue.message}`,
            ),
        };
    }
    const problems = draftProblems(parsed.data);
    return problems.length > 0 ? { ok: false, problems } : { ok: true, draft: parsed.data };
}

/** The `POST /pins` body for a draft whose board is resolved and whose video (if any) is uploaded. */
export function toPinCreate(draft: PinDraft, boardId: string, videoMediaId?: string): PinCreate {
    const common = {
        board_id: boardId,
        board_section_id: draft.boardSectionId,
        title: draft.pinTitle,
        description: draft.pinDescription,
        link: draft.linkUrl,
        alt_text: draft.altText,
    };
    if (draft.imageUrls) {
        return { ...common, media_source: { source_type: 'multiple_image_urls', items: draft.imageUrls.map((url) => ({ url })) } };
    }
    if (draft.videoUrl) {
        if (!videoMediaId || !draft.coverImageUrl) throw new Error('A video pin needs its uploaded media id and a cover image.');
        return { ...common, media_source: { source_type: 'video_id', media_id: videoMediaId, cover_image_url: draft.coverImageUrl } };
    }
    return { ...common, media_source: { source_type: 'image_url', url: draft.imageUrl ?? '' } };
}

/** Messages name where a pin came from (`pins[2]: …`, `CSV row 7: …`), except for the one pin of the single-pin fields. */
export const sourcePrefix = (source: string) => (source === 'input' ? '' : `${source}: `);
