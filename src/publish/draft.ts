import { z } from 'zod';

import { blankToUndefined, dateTimeTypeError, FIELDS, httpUrl, LIMITS, optionalText, pinterestId, textError, trimmed } from '../input/fields.js';
import { applyAliases, describeIssue, didYouMean, unknownKeys } from '../input/parse.js';
import { pinItemSchema, pinResultItemSchema, scheduledPinItemSchema } from '../output/items.js';
import { PIN_LIMITS } from '../pinterest/limits.js';
import type { PinCreate } from '../pinterest/schemas.js';

/**
 * One pin as the user describes it: the top-level single-pin fields, each item of `pins` and each CSV row are
 * all read with this one schema, so a limit or a message is the same wherever the pin came from.
 */
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Text that goes onto a pin: trimmed, within Pinterest's limit, and free of control characters (a NUL pasted from
 * another tool would reach the pin as it is); tabs and line breaks are text.
 */
const pinText = (field: string, max: number) =>
    optionalText(
        trimmed(textError(field))
            .max(max, `${field} must be at most ${max} characters`)
            .refine((text) => !CONTROL_CHARACTER.test(text), `${field} contains a control character (such as NUL): copy the text again`),
    );

/** One pin to several boards (`boards`): Pinterest advises against more than 10, and the API against far more. */
export const BOARDS_LIMITS = { min: 2, max: 20, warnAbove: 10 } as const;
/** Days between the boards of one pin; one week unless given. */
export const BOARD_INTERVAL_LIMITS = { min: 1, max: 90, default: 7 } as const;
const BOARDS_PROBLEM = 'boards must be a list of board IDs or names, for example ["549755885175", "Summer Recipes"]';

export const pinDraftShape = {
    boardId: FIELDS.boardId,
    boardName: FIELDS.boardName,
    boardSectionId: pinterestId('boardSectionId', undefined, 'section'),
    boardSectionName: optionalText(trimmed(textError('boardSectionName', '"Breakfast"')).max(180, 'boardSectionName must be at most 180 characters')),
    pinTitle: pinText('pinTitle', LIMITS.pinTitle),
    pinDescription: pinText('pinDescription', LIMITS.pinDescription),
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
    altText: pinText('altText', LIMITS.altText),
    publishAt: optionalText(
        trimmed(dateTimeTypeError('publishAt')).max(64, 'publishAt must be an ISO 8601 date and time such as 2026-12-01T09:00:00Z'),
    ),
    key: optionalText(trimmed(textError('key', '"week-48-lemon-pancakes"')).max(200, 'key must be at most 200 characters')),
    boards: z.preprocess(
        blankToUndefined,
        z
            .array(trimmed(BOARDS_PROBLEM).min(1, BOARDS_PROBLEM).max(180, 'each of boards must be at most 180 characters'), {
                error: BOARDS_PROBLEM,
            })
            .min(BOARDS_LIMITS.min, `boards must list ${BOARDS_LIMITS.min} to ${BOARDS_LIMITS.max} boards (for one board, use boardId or boardName)`)
            .max(BOARDS_LIMITS.max, `boards must list at most ${BOARDS_LIMITS.max} boards`)
            .optional(),
    ),
    boardIntervalDays: z.preprocess(
        blankToUndefined,
        z
            .number({ error: `boardIntervalDays must be a whole number of days, ${BOARD_INTERVAL_LIMITS.min} to ${BOARD_INTERVAL_LIMITS.max}` })
            .int(`boardIntervalDays must be a whole number of days, ${BOARD_INTERVAL_LIMITS.min} to ${BOARD_INTERVAL_LIMITS.max}`)
            .min(BOARD_INTERVAL_LIMITS.min, `boardIntervalDays must be at least ${BOARD_INTERVAL_LIMITS.min}`)
            .max(BOARD_INTERVAL_LIMITS.max, `boardIntervalDays must be at most ${BOARD_INTERVAL_LIMITS.max}`)
            .optional(),
    ),
};

export const pinDraftSchema = z.object(pinDraftShape);
export type PinDraft = z.infer<typeof pinDraftSchema>;
export type PinDraftField = keyof PinDraft;

/**
 * The names the output rows (`pin`, `pinResult`, `scheduledPin`) give the pin fields: understood as input too, at
 * the top level and in `pins`, so that a row copied back as input loses nothing.
 */
export const PIN_FIELD_ALIASES = { title: 'pinTitle', description: 'pinDescription', link: 'linkUrl' } as const satisfies Record<
    string,
    PinDraftField
>;

const PIN_FIELDS = Object.keys(pinDraftShape) as PinDraftField[];
const PIN_NAMES = [...PIN_FIELDS, ...Object.keys(PIN_FIELD_ALIASES)];
const canonical = (name: string) => (PIN_FIELD_ALIASES as Record<string, string>)[name] ?? name;

/**
 * Fields of the output rows that say what became of a pin (its status, its ID on Pinterest, when it went out),
 * not what the pin is: a row copied into `pins` keeps its pin, and these are left out with one warning.
 */
const RESULT_FIELDS = new Set(
    [pinResultItemSchema, pinItemSchema, scheduledPinItemSchema]
        .flatMap((schema) => Object.keys(schema.shape))
        .filter((name) => !PIN_NAMES.includes(name)),
);

/** What each pin field is called where the pin came from: the CSV's columns. Undefined: the source has no such field. */
export type FieldLabels = Readonly<Partial<Record<PinDraftField, string>>>;

/** A near miss of a pin field inside one item of `pins`: reported before any request, like a misspelt top-level field. */
export function pinKeyNearMisses(raw: Record<string, unknown>): string[] {
    return unknownKeys(withoutResultFields(raw), PIN_NAMES, canonical).misses.map(didYouMean);
}

function withoutResultFields(raw: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(raw).filter(([name]) => !RESULT_FIELDS.has(name)));
}

const listOr = (names: string[]) => (names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`);

/** Rules that span a draft's fields: what makes a pin, and which media combinations Pinterest takes. */
export function draftProblems(draft: PinDraft, labels?: FieldLabels): string[] {
    const name = (field: PinDraftField) => (labels ? labels[field] : field);
    const named = (fields: PinDraftField[]) => [...new Set(fields.map(name).filter((label): label is string => Boolean(label)))];
    const problems: string[] = [];
    if (draft.boards) {
        if (draft.boardId || draft.boardName) problems.push('give boards, or boardId or boardName, not both');
        const seen = new Set<string>();
        for (const board of draft.boards) {
            const name = board.toLowerCase();
            if (seen.has(name)) problems.push(`boards names "${board}" twice: give each board once`);
            seen.add(name);
        }
    } else if (!draft.boardId && !draft.boardName) problems.push(`${listOr(named(['boardId', 'boardName']))} is required`);
    if (draft.boardIntervalDays !== undefined && !draft.boards)
        problems.push('boardIntervalDays spaces the boards of boards: add boards, or leave it out');
    if (draft.boardId && draft.boardName) problems.push('give boardId or boardName, not both');
    if (draft.boardSectionId && draft.boardSectionName) problems.push('give boardSectionId or boardSectionName, not both');
    const media = [draft.imageUrl && 'imageUrl', draft.imageUrls && 'imageUrls', draft.videoUrl && 'videoUrl'].filter(Boolean);
    if (media.length === 0) {
        const kinds = named(['imageUrl', 'imageUrls', 'videoUrl']).map((kind) => (kind === 'imageUrls' ? 'imageUrls (a carousel)' : kind));
        problems.push(`${listOr(kinds)} is required`);
    }
    if (media.length > 1) problems.push(`a pin has one kind of media, but ${media.join(' and ')} were given`);
    if (draft.videoUrl && !draft.coverImageUrl) {
        problems.push(`${name('videoUrl')} needs ${name('coverImageUrl')}: Pinterest requires a cover image for a video pin`);
    }
    if (draft.coverImageUrl && !draft.videoUrl) {
        // One media column (the CSV's Media URL) holds images and videos alike: say that this one is no video.
        problems.push(
            name('videoUrl') === name('imageUrl')
                ? `${name('coverImageUrl')} is only for video pins, and ${name('imageUrl')} is not a video (.mp4, .mov or .m4v)`
                : `${name('coverImageUrl')} is only for video pins (with ${name('videoUrl')})`,
        );
    }
    if (!draft.pinTitle) problems.push(`${name('pinTitle')} is required`);
    return problems;
}

export type DraftCheck =
    { ok: true; draft: PinDraft; ignored: string[] } | { ok: false; problems: string[]; ignored: string[]; draft: Partial<PinDraft> };

/**
 * Reads one raw pin, returning it or every problem with it (each naming its field, in `labels` where given).
 * Output-row names (`title`, `link`, ...) are read as the fields they stand for; output-row fields that describe a
 * result (`status`, `id`, ...) are left out and listed in `ignored`; any other unknown key fails the pin, since
 * publishing it without that key would quietly drop what the user asked for.
 */
export function checkDraft(raw: unknown, labels?: FieldLabels): DraftCheck {
    const given = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    const ignored = Object.keys(given).filter((name) => RESULT_FIELDS.has(name));
    const fields = withoutResultFields(given);
    const problems = applyAliases(fields, PIN_FIELD_ALIASES);
    const { misses, others } = unknownKeys(fields, PIN_NAMES, canonical);
    problems.push(...misses.map(didYouMean), ...others.map((name) => `unknown field ${name}: a pin takes ${PIN_NAMES.join(', ')}`));
    const parsed = pinDraftSchema.safeParse(fields);
    if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => inLabels(describeIssue(issue), labels)));
    else if (problems.length === 0) problems.push(...draftProblems(parsed.data, labels));
    if (!parsed.success || problems.length > 0) return { ok: false, problems, ignored, draft: looseDraft(fields) };
    return { ok: true, draft: parsed.data, ignored };
}

/** A message that starts with a field's name, with the name the source gives that field instead. */
export function inLabels(message: string, labels?: FieldLabels): string {
    if (!labels) return message;
    const field = (Object.keys(labels) as PinDraftField[]).find((name) => new RegExp(`^${name}\\b`).test(message));
    return field ? `${labels[field]}${message.slice(field.length)}` : message;
}

/** The text fields of a pin that failed its checks, so that its row still says which pin it was. */
function looseDraft(fields: Record<string, unknown>): Partial<PinDraft> {
    const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim().slice(0, 2048) : undefined);
    const loose: Partial<Record<PinDraftField, string>> = {};
    for (const name of ['pinTitle', 'imageUrl', 'videoUrl', 'coverImageUrl', 'linkUrl', 'boardName', 'boardId'] as const) {
        const value = text(fields[name]);
        if (value !== undefined) loose[name] = value;
    }
    return loose as Partial<PinDraft>;
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
