import { z } from 'zod';

import { blankToUndefined, FIELDS, LIMITS, modeInputSchema, optionalText, pinReference } from '../../input/fields.js';
import { nearMiss } from '../../input/parse.js';
import { pinDraftShape } from '../../publish/draft.js';
import { changesSomething, type PinChangeSpec } from '../../publish/pin-edits.js';

/** As many as one run of create-pin takes. */
export const MAX_PIN_UPDATES = 10_000;
/** A link has a handful of tracking parameters; this many is a mistake, not a campaign. */
const MAX_QUERY_PARAMS = 50;

const linkRewrite = z.preprocess(
    blankToUndefined,
    z
        .object(
            {
                find: z
                    .string({ error: 'linkRewrite.find must be the text to look for in each link, for example "old-shop.com"' })
                    .min(1, 'linkRewrite.find must not be empty')
                    .max(LIMITS.linkUrl, `linkRewrite.find must be at most ${LIMITS.linkUrl} characters`),
                replace: z
                    .string({ error: 'linkRewrite.replace must be the text that replaces it, for example "new-shop.com" (or "" to remove it)' })
                    .max(LIMITS.linkUrl, `linkRewrite.replace must be at most ${LIMITS.linkUrl} characters`),
            },
            { error: 'linkRewrite must be an object such as {"find": "old-shop.com", "replace": "new-shop.com"}' },
        )
        .optional(),
);

const queryValue = z.preprocess(
    (value) => (typeof value === 'number' || typeof value === 'boolean' ? String(value) : value),
    z.string({ error: 'setQueryParams values must be text, for example {"utm_source": "pinterest"}' }).max(LIMITS.linkUrl),
);
const setQueryParams = z.preprocess(
    blankToUndefined,
    z
        .record(
            z.string().trim().min(1, 'setQueryParams names must not be empty').max(256, 'setQueryParams names must be at most 256 characters'),
            queryValue,
            {
                error: 'setQueryParams must be an object of parameter names and values, for example {"utm_source": "pinterest"}',
            },
        )
        .refine((params) => Object.keys(params).length <= MAX_QUERY_PARAMS, `setQueryParams may set at most ${MAX_QUERY_PARAMS} parameters`)
        .optional(),
);

/** What can change on a pin: the same fields, limits and messages as for a new pin (draft.ts), plus link edits. */
const changeShape = {
    pinTitle: pinDraftShape.pinTitle,
    pinDescription: pinDraftShape.pinDescription,
    linkUrl: pinDraftShape.linkUrl,
    altText: pinDraftShape.altText,
    boardId: pinDraftShape.boardId,
    boardName: pinDraftShape.boardName,
    boardSectionId: pinDraftShape.boardSectionId,
    boardSectionName: pinDraftShape.boardSectionName,
    linkRewrite,
    setQueryParams,
};
const changeSchema = z.object(changeShape, {
    error: 'changes must be an object of the fields to change, for example {"setQueryParams": {"utm_source": "pinterest"}}',
});

/** The `changes` field: update-pins applies it to published pins, update-scheduled to queued ones. */
export const changesField = z.preprocess(blankToUndefined, changeSchema.optional());

const pinUpdateShape = { pinId: pinReference('pinId'), ...changeShape };
export const pinUpdateSchema = z.object(pinUpdateShape);
export type PinUpdateInput = z.infer<typeof pinUpdateSchema>;

export const updatePinsInput = modeInputSchema('update-pins', {
    pinIds: FIELDS.pinIds,
    boardId: FIELDS.boardId,
    boardName: pinDraftShape.boardName,
    linkContains: optionalText(z.string().max(LIMITS.linkUrl, `linkContains must be at most ${LIMITS.linkUrl} characters`)),
    maxItems: FIELDS.maxItems,
    changes: changesField,
    // Every item is checked before any request (updatePinsInputProblems), so that no edit goes out from an input with a mistake.
    pinUpdates: z.preprocess(
        blankToUndefined,
        z
            .array(z.unknown(), { error: 'pinUpdates must be a list of objects, for example [{"pinId": "813744226420795884", "pinTitle": "…"}]' })
            .max(MAX_PIN_UPDATES, `pinUpdates may list at most ${MAX_PIN_UPDATES} pins; split larger edits over several runs`)
            .optional(),
    ),
    dryRun: FIELDS.dryRun,
    createMissingBoards: FIELDS.createMissingBoards,
    createMissingSections: FIELDS.createMissingSections,
});
export type UpdatePinsInput = z.infer<typeof updatePinsInput>;

/** Keys of one set of edits (`changes`, or an item of `pinUpdates`) that are no field: a misspelt one is never ignored. */
function unknownKeys(where: string, raw: Record<string, unknown>, known: string[]): string[] {
    return Object.keys(raw)
        .filter((field) => !known.includes(field))
        .map((field) => {
            const meant = nearMiss(field, known);
            return `unknown field ${where}.${field}${meant ? `: did you mean ${meant}?` : ` (it takes ${known.join(', ')})`}`;
        });
}

/** Fields of one set of edits that exclude each other. */
function pairProblems(where: string, spec: PinChangeSpec): string[] {
    const problems: string[] = [];
    if (spec.boardId && spec.boardName) problems.push(`${where}: give boardId or boardName, not both`);
    if (spec.boardSectionId && spec.boardSectionName) problems.push(`${where}: give boardSectionId or boardSectionName, not both`);
    return problems;
}

/**
 * The problems of a raw `changes` object (unknown keys, pairs that exclude each other), and whether it changes
 * anything; for modes that take `changes` (field errors themselves come from zod).
 */
export function changesProblems(raw: unknown): { problems: string[]; changes: boolean } {
    if (!isObject(raw)) return { problems: [], changes: blankToUndefined(raw) !== undefined };
    const parsed = changeSchema.safeParse(raw);
    const problems = unknownKeys('changes', raw, Object.keys(changeShape));
    if (parsed.success) problems.push(...pairProblems('changes', parsed.data));
    return { problems, changes: !parsed.success || changesSomething(parsed.data) };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Rules spanning update-pins' fields, with every item of pinUpdates read in full: all before any request. */
export function updatePinsInputProblems(raw: Record<string, unknown>): string[] {
    const given = (field: string) => blankToUndefined(raw[field]) !== undefined;
    const problems: string[] = [];
    const rawChanges = isObject(raw.changes) ? raw.changes : undefined;
    const changes = rawChanges ? changeSchema.safeParse(rawChanges) : undefined;
    if (rawChanges) problems.push(...unknownKeys('changes', rawChanges, Object.keys(changeShape)));
    if (changes?.success) problems.push(...pairProblems('changes', changes.data));
    // Changes that do not parse are reported field by field; they still count as given.
    const common = changes ? !changes.success || changesSomething(changes.data) : given('changes');

    const updates = Array.isArray(raw.pinUpdates) ? raw.pinUpdates : [];
    const firstIndex = new Map<string, number>();
    for (const [index, item] of updates.entries()) {
        const where = `pinUpdates[${index}]`;
        if (!isObject(item)) {
            problems.push(`${where} must be an object such as {"pinId": "813744226420795884", "pinTitle": "…"}`);
            continue;
        }
        problems.push(...unknownKeys(where, item, Object.keys(pinUpdateShape)));
        const id = pinUpdateShape.pinId.safeParse(item.pinId);
        const earlier = id.success ? firstIndex.get(id.data) : undefined;
        if (earlier !== undefined) problems.push(`${where} names pin ${id.data} again (as pinUpdates[${earlier}]): give each pin one item`);
        else if (id.success) firstIndex.set(id.data, index);
        const parsed = pinUpdateSchema.safeParse(item);
        if (!parsed.success) {
            problems.push(...parsed.error.issues.map((issue) => `${where}.${issue.path.join('.') || 'pinId'}: ${issue.message}`));
            continue;
        }
        problems.push(...pairProblems(where, parsed.data));
        const { pinId: _pinId, ...own } = parsed.data;
        if (!common && !changesSomething(own)) problems.push(`${where} changes nothing: add the fields to change, such as pinTitle or linkUrl`);
    }

    if (!common && updates.length === 0) {
        problems.push('update-pins needs something to change: changes (for every selected pin) or pinUpdates (per pin)');
    }
    const pinIds = Array.isArray(raw.pinIds) && raw.pinIds.length > 0;
    if (!common && (pinIds || given('boardId') || given('boardName'))) {
        problems.push('pinIds, boardId and boardName choose the pins that changes applies to: add changes, or name each pin in pinUpdates');
    }
    if (given('boardId') && given('boardName')) problems.push('give boardId or boardName, not both');
    if (pinIds && (given('boardId') || given('boardName'))) problems.push('give pinIds or a board (boardId or boardName), not both');
    return problems;
}
