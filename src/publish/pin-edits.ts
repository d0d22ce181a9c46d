import { httpUrl, LIMITS } from '../input/fields.js';
import type { PinError } from '../output/items.js';
import { PinterestError } from '../pinterest/errors.js';
import type { Pin, PinUpdate } from '../pinterest/schemas.js';

/**
 * Editing published pins (update-pins): what the input asks of a pin, what that means for the pin as it is now,
 * and what goes into the `PATCH /pins/{pin_id}` body. Pure functions; the mode does the requests.
 */

/** What to change on a pin, as `changes` and each item of `pinUpdates` say it. */
export interface PinChangeSpec {
    pinTitle?: string;
    pinDescription?: string;
    linkUrl?: string;
    altText?: string;
    boardId?: string;
    boardName?: string;
    boardSectionId?: string;
    boardSectionName?: string;
    /** A plain substring of the link and what replaces it (every occurrence). */
    linkRewrite?: { find: string; replace: string };
    /** Query parameters the link gets (added, or replacing the same names); the others stay as they are. */
    setQueryParams?: Record<string, string>;
}

/** The fields of a pin that update-pins changes, named as the input names them. */
export const EDITABLE_FIELDS = ['pinTitle', 'pinDescription', 'linkUrl', 'altText', 'boardId', 'boardSectionId'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];
export type PinValues = Record<EditableField, string | null>;
export type FieldChanges = Partial<Record<EditableField, { before: string | null; after: string | null }>>;

/** A pin's editable fields as Pinterest describes it (a field it leaves out is empty). */
export function pinValues(pin: Pin): PinValues {
    return {
        pinTitle: pin.title ?? null,
        pinDescription: pin.description ?? null,
        linkUrl: pin.link ?? null,
        altText: pin.alt_text ?? null,
        boardId: pin.board_id ?? null,
        boardSectionId: pin.board_section_id ?? null,
    };
}

/**
 * The edits for one pin: `changes` for every pin, with the pin's own item of `pinUpdates` winning field by field.
 * A board or section given by the pin's own item replaces the common one however it is given (id or name);
 * query parameters are merged, the pin's own winning for a name both set.
 */
export function mergeSpecs(common: PinChangeSpec = {}, own: PinChangeSpec = {}): PinChangeSpec {
    const merged: PinChangeSpec = { ...common, ...definedOnly(own) };
    if (own.boardId || own.boardName) {
        merged.boardId = own.boardId;
        merged.boardName = own.boardName;
    }
    if (own.boardSectionId || own.boardSectionName) {
        merged.boardSectionId = own.boardSectionId;
        merged.boardSectionName = own.boardSectionName;
    }
    if (common.setQueryParams || own.setQueryParams) merged.setQueryParams = { ...common.setQueryParams, ...own.setQueryParams };
    return merged;
}

const definedOnly = <T extends object>(value: T): Partial<T> =>
    Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;

/** Whether a spec changes anything at all. */
export const changesSomething = (spec: PinChangeSpec): boolean =>
    Object.entries(spec).some(([field, value]) => value !== undefined && (field !== 'setQueryParams' || Object.keys(value as object).length > 0));

/** Every occurrence of `find` in `link` replaced, taken literally (no patterns, no `$&`). */
export function rewriteLink(link: string, { find, replace }: { find: string; replace: string }): string {
    return find === '' ? link : link.split(find).join(replace);
}

/** A query component as the server reads it: `+` is a space, `%xx` an octet; a malformed escape is taken as written. */
function decodeComponent(text: string): string {
    try {
        return decodeURIComponent(text.replace(/\+/g, ' '));
    } catch {
        return text;
    }
}

/**
 * `link` with the given query parameters: a name already there gets the new value in its place (its repeats are
 * dropped), a new name goes last. Every other parameter, the order, the path and the `#fragment` stay exactly as
 * they were, byte for byte: a link is rewritten, never re-encoded. New names and values are percent-encoded.
 */
export function withQueryParams(link: string, params: Record<string, string>): string {
    const names = Object.keys(params);
    if (names.length === 0) return link;
    const hashAt = link.indexOf('#');
    const fragment = hashAt < 0 ? '' : link.slice(hashAt);
    const beforeFragment = hashAt < 0 ? link : link.slice(0, hashAt);
    const queryAt = beforeFragment.indexOf('?');
    const base = queryAt < 0 ? beforeFragment : beforeFragment.slice(0, queryAt);
    const query = queryAt < 0 ? '' : beforeFragment.slice(queryAt + 1);
    const encoded = (name: string) => `${encodeURIComponent(name)}=${encodeURIComponent(params[name]!)}`;
    const placed = new Set<string>();
    const parts: string[] = [];
    for (const part of query === '' ? [] : query.split('&')) {
        const equals = part.indexOf('=');
        const name = decodeComponent(equals < 0 ? part : part.slice(0, equals));
        if (!Object.hasOwn(params, name)) parts.push(part);
        else if (!placed.has(name)) {
            parts.push(encoded(name));
            placed.add(name);
        }
    }
    for (const name of names) if (!placed.has(name)) parts.push(encoded(name));
    return `${base}?${parts.join('&')}${fragment}`;
}

const LINK_CHECK = httpUrl('linkUrl', LIMITS.linkUrl);

export type LinkOutcome = { ok: true; link: string | null } | { ok: false; problem: string };

/**
 * The link a spec asks for, from the pin's current one: `linkUrl` replaces it, then `linkRewrite` and
 * `setQueryParams` apply to the result. A pin without a link keeps none unless `linkUrl` gives one. A link the
 * edits turn into something Pinterest would refuse (not an http(s) URL, longer than 2,048) is a problem.
 */
export function wantedLink(current: string | null, spec: PinChangeSpec): LinkOutcome {
    let link = spec.linkUrl ?? current;
    if (link === null) return { ok: true, link: null };
    if (spec.linkRewrite) link = rewriteLink(link, spec.linkRewrite);
    if (spec.setQueryParams) link = withQueryParams(link, spec.setQueryParams);
    if (link === current) return { ok: true, link };
    const checked = LINK_CHECK.safeParse(link);
    if (checked.success && checked.data === link) return { ok: true, link };
    const rule = checked.success ? 'linkUrl must not start or end with spaces' : (checked.error.issues[0]?.message ?? 'linkUrl is not valid');
    return { ok: false, problem: `the edited link "${clip(link)}" breaks a rule (${rule}), so the pin was left as it is` };
}

const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

/** The fields whose wanted value differs from the pin's: what would change, before and after. */
export function computeChanges(current: PinValues, wanted: Partial<PinValues>): FieldChanges {
    const changes: FieldChanges = {};
    for (const field of EDITABLE_FIELDS) {
        const after = wanted[field];
        if (after !== undefined && after !== current[field]) changes[field] = { before: current[field], after };
    }
    return changes;
}

/** Whether the pin already holds every `after` of these changes (a restarted run finding its own edit done). */
export const holdsChanges = (current: PinValues, changes: FieldChanges): boolean =>
    Object.entries(changes).every(([field, change]) => current[field as EditableField] === change.after);

/**
 * The PATCH body for these changes. A move to another board without a section says nothing of the section:
 * Pinterest takes the pin out of its old board's section by itself.
 */
export function toPinUpdate(changes: FieldChanges): PinUpdate {
    const update: PinUpdate = {};
    if (changes.pinTitle) update.title = changes.pinTitle.after;
    if (changes.pinDescription) update.description = changes.pinDescription.after;
    if (changes.linkUrl) update.link = changes.linkUrl.after;
    if (changes.altText) update.alt_text = changes.altText.after;
    if (changes.boardId?.after) update.board_id = changes.boardId.after;
    if (changes.boardSectionId && (changes.boardSectionId.after !== null || !changes.boardId)) update.board_section_id = changes.boardSectionId.after;
    return update;
}

/**
 * Failures after which no further write of the run can succeed: a dead token, a spam block, a Trial app, or a
 * 401 for the operation itself (no scope, or no access to a beta), a Business Access role that does not allow the
 * write. Another 403 or a 404 is about one pin only.
 */
export function stopsTheBatch(error: unknown): error is PinterestError {
    if (!(error instanceof PinterestError)) return false;
    if (error.kind === 'missing-scope') return error.status === 401;
    return ['invalid-token', 'refresh-rejected', 'app-credentials-rejected', 'spam-blocked', 'trial-production', 'ad-account-refused'].includes(
        error.kind,
    );
}

/** Pinterest's refusal of a beta write to an app that has no access to it (401 code 3 on a beta operation). */
export const isBetaRefusal = (error: unknown): boolean =>
    error instanceof PinterestError && error.operation.beta && error.status === 401 && error.code === 3;

/** A row's error for a failed pin write or read: Pinterest's details when it answered, one sentence in any case. */
export function pinErrorOf(error: unknown, pinId: string, verb: string): PinError {
    if (!(error instanceof PinterestError)) {
        return { message: error instanceof Error ? error.message : String(error), httpStatus: null, pinterestCode: null, requestId: null };
    }
    // Another user's pin is refused as "not permitted" (403 code 29), which the client calls a scope problem.
    const message =
        error.status === 403 && error.code === 29
            ? `Pinterest refused to ${verb} pin ${pinId} (HTTP 403, code 29): it is not a pin of this token's account, and only your own pins can be changed.`
            : error.message;
    return { message, httpStatus: error.status ?? null, pinterestCode: error.code ?? null, requestId: error.requestId ?? null };
}
