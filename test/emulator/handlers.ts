/**
 * What each emulated operation does once a request has passed validation, authentication and rate limiting.
 */
import { createHash } from 'node:crypto';

import type { OperationInfo } from './spec.js';
import type {
    AccessTokenRecord,
    ApiImageMetadata,
    ApiPinMedia,
    ApiVideoMedia,
    BoardPrivacy,
    BoardRecord,
    EmulatorApp,
    EmulatorState,
    PinRecord,
} from './state.js';
import { pinImages, zeroMetrics } from './state.js';

/** An error answered with Pinterest's `{code, message}` body. */
export class ApiError extends Error {
    constructor(
        readonly status: number,
        readonly code: number,
        message: string,
    ) {
        super(message);
    }
}

export interface HandlerContext {
    state: EmulatorState;
    operation: OperationInfo;
    pathParams: Record<string, string>;
    /** Query parameters after coercion to their declared types. */
    query: Record<string, unknown>;
    body: unknown;
    /** Set on bearer-token operations. */
    token?: AccessTokenRecord;
    /** Set on `POST /oauth/token` (HTTP Basic). */
    app?: EmulatorApp;
    now: () => number;
    /** `http://127.0.0.1:<port>`: where the media upload endpoint lives. */
    origin: string;
}

export interface HandlerResult {
    status: number;
    body: unknown;
}

export const MESSAGES = {
    authFailed: 'Authentication failed.',
    boardNotFound: 'Board not found.',
    pinNotFound: 'Pin not found.',
    sectionNotFound: 'Board section not found.',
    mediaNotFound: 'Media upload not found.',
    adAccountNotFound: 'Ad account not found.',
    /** Pinterest refuses a second board with the same name (code 58; the status, 409, is the emulator's choice). */
    duplicateBoard: 'You already have a board with this name.',
    trialNoPins:
        'Apps with Trial access may not create Pins in production. Please use API Sandbox (https://api-sandbox.pinterest.com/v5) or apply for Standard access.',
    rateLimited:
        'This request exceeded a rate limit. This can happen if the client sends too many requests in a short period of time. Please wait and retry.',
    spam: 'Your request was blocked because it looks like spam. If you believe this is a mistake, contact Pinterest support.',
    /** The spec's example for `pins/save` and other refusals of someone else's resource (403 code 29). */
    notPermitted: 'You are not permitted to access that resource.',
    /** The spec's 403 examples for the account operations (Business Access to an ad account that does not allow it). */
    userAccountNotAuthorized: 'Not authorized to access the user account.',
    userAccountAnalyticsNotAuthorized: 'Not authorized to access the user account analytics.',
    /** A beta endpoint for an app without access: 401 code 3, as for other restricted features. */
    pinUpdateRestricted:
        'Updating Pins (PATCH /v5/pins/{pin_id}) is in beta and not available to this app. Learn more about beta features at https://developers.pinterest.com/docs/getting-started/using-beta-and-restricted-features/.',
    /** Pinterest's wording for a token without the needed scopes; the emulator appends which ones are missing. */
    missingScopes:
        'Your token does not have sufficient permissions to perform this operation. Please ensure your token is authorized with the correct set of scopes.',
} as const;

export function missingScopesError(missing: string[]): ApiError {
    return new ApiError(401, 3, `${MESSAGES.missingScopes} Missing scopes: ${missing.join(', ')}.`);
}

function tokenOf(ctx: HandlerContext): AccessTokenRecord {
    if (!ctx.token) throw new Error(`${ctx.operation.operationId} needs a bearer token`);
    return ctx.token;
}

function has(token: AccessTokenRecord, scope: string): boolean {
    return token.scopes.includes(scope);
}

function canSeeBoard(token: AccessTokenRecord, board: BoardRecord): boolean {
    return board.ownerId === token.userId && (board.privacy !== 'SECRET' || has(token, 'boards:read_secret'));
}

function canSeePin(state: EmulatorState, token: AccessTokenRecord, pin: PinRecord): boolean {
    const board = state.boardRecord(pin.boardId);
    if (!board || !canSeeBoard(token, board)) return false;
    return board.privacy !== 'SECRET' || has(token, 'pins:read_secret');
}

// ---------------------------------------------------------------- pagination

function listHash(listKey: string): string {
    return createHash('md5').update(listKey).digest('hex').slice(0, 12);
}

export function encodeBookmark(listKey: string, lastSeq: number): string {
    return Buffer.from(`pb1:${listHash(listKey)}:${lastSeq}`, 'utf8').toString('base64url');
}

/**
 * Cursor pagination over a newest-first list (or, with `order: 'asc'`, an oldest-first one). The bookmark names the
 * list (a hash of its identity: endpoint, user, board, filters) and the last item returned, so it stays valid when
 * items are created between pages.
 */
function paginate<T extends { seq: number }>(
    items: T[],
    listKey: string,
    query: Record<string, unknown>,
    order: 'desc' | 'asc' = 'desc',
): { page: T[]; bookmark: string | null } {
    const pageSize = typeof query.page_size === 'number' ? query.page_size : 25;
    let start = 0;
    if (typeof query.bookmark === 'string') {
        const decoded = Buffer.from(query.bookmark, 'base64url').toString('utf8');
        const match = /^pb1:([0-9a-f]{12}):(\d+)$/.exec(decoded);
        if (!match || Buffer.from(decoded, 'utf8').toString('base64url') !== query.bookmark) {
            throw new ApiError(400, 1, "Invalid query parameter 'bookmark': not a bookmark returned by this API.");
        }
        if (match[1] !== listHash(listKey)) {
            throw new ApiError(400, 1, "Invalid query parameter 'bookmark': the bookmark belongs to a different list or different filters.");
        }
        const after = Number(match[2]);
        // Binary search for the first item past the cursor in the list's order.
        const past = (seq: number): boolean => (order === 'desc' ? seq < after : seq > after);
        let lo = 0;
        let hi = items.length;
        while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (past(items[mid]?.seq ?? 0)) hi = mid;
            else lo = mid + 1;
        }
        start = lo;
    }
    const page = items.slice(start, start + pageSize);
    const last = page[page.length - 1];
    const more = start + pageSize < items.length;
    return { page, bookmark: more && last ? encodeBookmark(listKey, last.seq) : null };
}

// ---------------------------------------------------------------- operations

function getUserAccount(ctx: HandlerContext): HandlerResult {
    const account = ctx.state.getAccount(tokenOf(ctx).userId);
    if (!account) throw new ApiError(401, 2, MESSAGES.authFailed);
    return { status: 200, body: account };
}

function listBoards(ctx: HandlerContext): HandlerResult {
    const token = tokenOf(ctx);
    const privacy = typeof ctx.query.privacy === 'string' ? ctx.query.privacy : 'ALL';
    const wanted = (board: BoardRecord): boolean => {
        switch (privacy) {
            case 'ALL':
                return true;
            case 'PUBLIC_AND_SECRET':
                return board.privacy === 'PUBLIC' || board.privacy === 'SECRET';
            default:
                return board.privacy === privacy;
        }
    };
    const boards = ctx.state.boardRecordsOf(token.userId).filter((b) => canSeeBoard(token, b) && wanted(b));
    const listKey = `boards|${token.userId}|${privacy}|${has(token, 'boards:read_secret')}`;
    const { page, bookmark } = paginate(boards, listKey, ctx.query);
    return { status: 200, body: { items: page.map((b) => ctx.state.renderBoard(b)), bookmark } };
}

function visibleBoard(ctx: HandlerContext): BoardRecord {
    const board = ctx.state.boardRecord(ctx.pathParams.board_id ?? '');
    if (!board || !canSeeBoard(tokenOf(ctx), board)) throw new ApiError(404, 40, MESSAGES.boardNotFound);
    return board;
}

function getBoard(ctx: HandlerContext): HandlerResult {
    return { status: 200, body: ctx.state.renderBoard(visibleBoard(ctx)) };
}

function creativeTypeFilter(query: Record<string, unknown>): (pin: PinRecord) => boolean {
    const types = Array.isArray(query.creative_types) ? new Set(query.creative_types.map(String)) : undefined;
    return (pin) => !types || (pin.creativeType !== null && types.has(pin.creativeType));
}

function listBoardPins(ctx: HandlerContext): HandlerResult {
    const token = tokenOf(ctx);
    const board = visibleBoard(ctx);
    if (board.privacy === 'SECRET' && !has(token, 'pins:read_secret')) throw missingScopesError(['pins:read_secret']);
    const byType = creativeTypeFilter(ctx.query);
    const pins = [...board.pins].reverse().filter((pin) => byType(pin) && ctx.state.shownInList(pin));
    const types = Array.isArray(ctx.query.creative_types) ? [...ctx.query.creative_types].map(String).sort().join(',') : '';
    const { page, bookmark } = paginate(pins, `board-pins|${token.userId}|${board.id}|${types}`, ctx.query);
    const withMetrics = ctx.query.pin_metrics === true;
    return { status: 200, body: { items: page.map((p) => ctx.state.renderPin(p, token.userId, withMetrics)), bookmark } };
}

function listPins(ctx: HandlerContext): HandlerResult {
    const token = tokenOf(ctx);
    const { query, state } = ctx;
    if (query.pin_type === 'PRIVATE' && !has(token, 'pins:read_secret')) throw missingScopesError(['pins:read_secret']);
    const includeProtected = query.include_protected_pins === true;
    const byType = creativeTypeFilter(query);
    const pins = state.pinRecordsOf(token.userId).filter((pin) => {
        const board = state.boardRecord(pin.boardId);
        if (!board || !canSeePin(state, token, pin)) return false;
        if (board.privacy === 'PROTECTED' && !includeProtected) return false;
        if (query.pin_type === 'PRIVATE' && board.privacy !== 'SECRET') return false;
        if (query.pin_filter === 'exclude_native' && pin.parentPinId === null) return false;
        if (query.pin_filter === 'exclude_repins' && pin.parentPinId !== null) return false;
        if (query.pin_filter === 'has_been_promoted' && !pin.hasBeenPromoted) return false;
        return byType(pin) && state.shownInList(pin);
    });
    const types = Array.isArray(query.creative_types) ? [...query.creative_types].map(String).sort().join(',') : '';
    const listKey = [
        'user-pins',
        token.userId,
        query.pin_filter ?? '',
        includeProtected,
        query.pin_type ?? '',
        types,
        has(token, 'boards:read_secret') && has(token, 'pins:read_secret'),
    ].join('|');
    const { page, bookmark } = paginate(pins, listKey, query);
    const withMetrics = query.pin_metrics === true;
    return { status: 200, body: { items: page.map((p) => state.renderPin(p, token.userId, withMetrics)), bookmark } };
}

function getPin(ctx: HandlerContext): HandlerResult {
    const token = tokenOf(ctx);
    const pin = ctx.state.pinRecord(ctx.pathParams.pin_id ?? '');
    if (!pin || !canSeePin(ctx.state, token, pin)) throw new ApiError(404, 50, MESSAGES.pinNotFound);
    return { status: 200, body: ctx.state.renderPin(pin, token.userId, ctx.query.pin_metrics === true) };
}

/**
 * The pin a write (`PATCH`, `DELETE`) acts on: one of the token user's, on a board it can see. Another user's pin
 * on a PUBLIC board exists for everyone, so touching it is refused (403 code 29); any other pin is not found for
 * this user (404 code 50), as `GET /pins/{pin_id}` says too. Pins on SECRET boards also need `pins:write_secret`.
 */
function ownPinForWrite(ctx: HandlerContext): PinRecord {
    const token = tokenOf(ctx);
    const pin = ctx.state.pinRecord(ctx.pathParams.pin_id ?? '');
    if (!pin) throw new ApiError(404, 50, MESSAGES.pinNotFound);
    if (!canSeePin(ctx.state, token, pin)) {
        const board = ctx.state.boardRecord(pin.boardId);
        if (pin.ownerId !== token.userId && board?.privacy === 'PUBLIC') throw new ApiError(403, 29, MESSAGES.notPermitted);
        throw new ApiError(404, 50, MESSAGES.pinNotFound);
    }
    if (ctx.state.boardRecord(pin.boardId)?.privacy === 'SECRET' && !has(token, 'pins:write_secret')) throw missingScopesError(['pins:write_secret']);
    return pin;
}

/** The token user's board a pin is written to (POST /pins, a move, a save); SECRET ones need `pins:write_secret`. */
function targetBoard(ctx: HandlerContext, boardId: string): BoardRecord {
    const token = tokenOf(ctx);
    const board = ctx.state.boardRecord(boardId);
    if (!board || !canSeeBoard(token, board)) throw new ApiError(404, 40, MESSAGES.boardNotFound);
    if (board.privacy === 'SECRET' && !has(token, 'pins:write_secret')) throw missingScopesError(['pins:write_secret']);
    return board;
}

/** A section of `board`, or 404 code 2031. */
function sectionOf(ctx: HandlerContext, board: BoardRecord, sectionId: string): string {
    const section = ctx.state.sectionRecord(sectionId);
    if (!section || section.boardId !== board.id) throw new ApiError(404, 2031, MESSAGES.sectionNotFound);
    return section.id;
}

/**
 * `PATCH /pins/{pin_id}` (beta): sets the fields given, `null` clears the nullable ones; `board_id` moves the pin
 * (leaving its section unless a section of the new board is given), `board_section_id` puts it in a section of its
 * board. `carousel_slots` needs a carousel with as many slots as images (400 code 1 otherwise).
 */
function updatePin(ctx: HandlerContext): HandlerResult {
    const token = tokenOf(ctx);
    if (ctx.state.pinUpdateDeniedApps.has(token.appId)) throw new ApiError(401, 3, MESSAGES.pinUpdateRestricted);
    const pin = ownPinForWrite(ctx);
    const body = ctx.body as Record<string, unknown>;
    const board = typeof body.board_id === 'string' ? targetBoard(ctx, body.board_id) : ctx.state.boardRecord(pin.boardId);
    if (!board) throw new ApiError(404, 40, MESSAGES.boardNotFound);
    let sectionId = board.id === pin.boardId ? pin.boardSectionId : null;
    if (typeof body.board_section_id === 'string') sectionId = sectionOf(ctx, board, body.board_section_id);
    else if (body.board_section_id === null) sectionId = null;
    let media = pin.media;
    if (Array.isArray(body.carousel_slots)) {
        const slots = body.carousel_slots as Record<string, unknown>[];
        if (media.media_type !== 'multiple_images') throw new ApiError(400, 1, 'Invalid request body: carousel_slots only apply to carousel Pins.');
        if (slots.length !== media.items.length) {
            throw new ApiError(
                400,
                1,
                `Invalid request body: carousel_slots must have ${media.items.length} slots, one per image, not ${slots.length}.`,
            );
        }
        media = {
            ...media,
            items: media.items.map((item, i) => {
                const slot = slots[i] ?? {};
                const field = (name: 'title' | 'description' | 'link') => (typeof slot[name] === 'string' ? slot[name] : item[name]);
                return { ...item, title: field('title'), description: field('description'), link: field('link') };
            }),
        };
    }
    // Checks done: only now is anything changed.
    const text = (name: string, current: string | null): string | null =>
        name in body ? (typeof body[name] === 'string' ? body[name] : null) : current;
    pin.title = text('title', pin.title);
    pin.description = text('description', pin.description);
    pin.link = text('link', pin.link);
    pin.altText = text('alt_text', pin.altText);
    pin.media = media;
    pin.boardSectionId = sectionId;
    ctx.state.movePin(pin, board);
    return { status: 200, body: ctx.state.renderPin(pin, token.userId, false) };
}

/** `DELETE /pins/{pin_id}`: 204 with no body; the pin is gone (a second DELETE finds nothing: 404 code 50). */
function deletePin(ctx: HandlerContext): HandlerResult {
    ctx.state.removePin(ownPinForWrite(ctx));
    return { status: 204, body: undefined };
}

/**
 * `POST /pins/{pin_id}/save`: a new pin of the token user on the target board (and section), copying the saved
 * pin's content, with `parent_pin_id` naming it. Any of the user's pins, or any pin on a PUBLIC board, can be saved;
 * other pins are not found (404 code 50). Emulator rule: `board_id` is required (a pin lives on a board).
 */
function savePin(ctx: HandlerContext): HandlerResult {
    const token = tokenOf(ctx);
    const { state } = ctx;
    const app = state.getApp(token.appId);
    if (app?.trial && token.environment === 'production') throw new ApiError(403, 29, MESSAGES.trialNoPins);
    const source = state.pinRecord(ctx.pathParams.pin_id ?? '');
    const sourceBoard = source ? state.boardRecord(source.boardId) : undefined;
    if (!source || !sourceBoard || !(canSeePin(state, token, source) || sourceBoard.privacy === 'PUBLIC')) {
        throw new ApiError(404, 50, MESSAGES.pinNotFound);
    }
    const body = ctx.body as Record<string, unknown>;
    if (typeof body.board_id !== 'string') throw new ApiError(400, 1, "Invalid request body: missing required property 'board_id'");
    const board = targetBoard(ctx, body.board_id);
    const sectionId = typeof body.board_section_id === 'string' ? sectionOf(ctx, board, body.board_section_id) : null;
    const record = state.insertPin(board, {
        createdAt: ctx.now(),
        title: source.title,
        description: source.description,
        link: source.link,
        altText: source.altText,
        dominantColor: source.dominantColor,
        boardSectionId: sectionId,
        parentPinId: source.id,
        isStandard: source.isStandard,
        hasBeenPromoted: false,
        creativeType: source.creativeType,
        media: structuredClone(source.media),
        metrics: zeroMetrics(),
    });
    state.startListingLag(record);
    return { status: 201, body: state.renderPin(record, token.userId, false) };
}

/** The image behind a URL "can be fetched" unless the URL is not http(s) or its host ends in `.invalid`. */
function checkFetchable(url: unknown, field: string): string {
    let parsed: URL | undefined;
    try {
        parsed = new URL(String(url));
    } catch {
        parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.hostname.endsWith('.invalid')) {
        throw new ApiError(400, 1, `Sorry, we could not fetch the image at ${field}.`);
    }
    return parsed.href;
}

function checkBase64(data: unknown, field: string): string {
    const text = String(data);
    if (Buffer.from(text, 'base64').length === 0) throw new ApiError(400, 1, `${field} does not contain image data.`);
    return createHash('md5').update(text).digest('hex');
}

function imageItem(item: Record<string, unknown>, images: ApiImageMetadata['images']): ApiImageMetadata {
    const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
    return { item_type: 'image', title: text(item.title), description: text(item.description), link: text(item.link), images };
}

function createPin(ctx: HandlerContext): HandlerResult {
    const token = tokenOf(ctx);
    const { state } = ctx;
    const body = ctx.body as Record<string, unknown>;
    const app = state.getApp(token.appId);
    if (app?.trial && token.environment === 'production') throw new ApiError(403, 29, MESSAGES.trialNoPins);
    // The schema marks nothing as required, but a Pin cannot exist without a board and media.
    if (typeof body.board_id !== 'string') throw new ApiError(400, 1, "Invalid request body: missing required property 'board_id'");
    if (typeof body.media_source !== 'object' || body.media_source === null) {
        throw new ApiError(400, 1, "Invalid request body: missing required property 'media_source'");
    }
    if (body.sponsor_id !== undefined && body.sponsor_id !== null) {
        throw new ApiError(403, 29, 'sponsor_id is only available to a closed beta; this app is not part of it.');
    }
    const board = targetBoard(ctx, body.board_id);
    const sectionId = typeof body.board_section_id === 'string' ? sectionOf(ctx, board, body.board_section_id) : null;

    const source = body.media_source as Record<string, unknown>;
    let media: ApiPinMedia;
    let creativeType = 'REGULAR';
    switch (source.source_type) {
        case 'image_url':
            media = { media_type: 'image', images: pinImages(checkFetchable(source.url, 'media_source.url')) };
            break;
        case 'image_base64':
            media = { media_type: 'image', images: pinImages(`b64:${checkBase64(source.data, 'media_source.data')}`) };
            break;
        case 'multiple_image_urls':
        case 'multiple_image_base64': {
            const items = (source.items as Record<string, unknown>[]).map((item, i) => {
                const seed =
                    source.source_type === 'multiple_image_urls'
                        ? checkFetchable(item.url, `media_source.items[${i}].url`)
                        : `b64:${checkBase64(item.data, `media_source.items[${i}].data`)}`;
                return imageItem(item, pinImages(seed));
            });
            media = { media_type: 'multiple_images', items };
            creativeType = 'CAROUSEL';
            break;
        }
        case 'video_id':
            if (token.environment === 'sandbox') throw new ApiError(400, 1, 'Video Pins cannot be created in API Sandbox.');
            media = videoMedia(ctx, token, source);
            creativeType = 'VIDEO';
            break;
        default:
            throw new ApiError(403, 29, `media_source.source_type ${String(source.source_type)} is only available to apps in a closed beta.`);
    }

    const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
    const record = state.insertPin(board, {
        createdAt: ctx.now(),
        title: str(body.title),
        description: str(body.description),
        link: str(body.link),
        altText: str(body.alt_text),
        dominantColor: str(body.dominant_color) ?? `#${createHash('md5').update(JSON.stringify(source)).digest('hex').slice(0, 6)}`,
        boardSectionId: sectionId,
        parentPinId: str(body.parent_pin_id),
        isStandard: source.is_standard !== false,
        hasBeenPromoted: false,
        creativeType,
        media,
        metrics: zeroMetrics(),
        createdViaApi: true,
    });
    state.startListingLag(record);
    return { status: 201, body: state.renderPin(record, token.userId, false) };
}

/** `media_source` of type `video_id`: the media must be this user's, uploaded and processed; a cover is required. */
function videoMedia(ctx: HandlerContext, token: AccessTokenRecord, source: Record<string, unknown>): ApiVideoMedia {
    const mediaId = String(source.media_id);
    const record = ctx.state.mediaRecord(mediaId);
    if (!record || record.ownerId !== token.userId) {
        throw new ApiError(400, 1, `Invalid media_source.media_id: no media upload ${mediaId} was registered by this user (POST /v5/media).`);
    }
    const status = ctx.state.mediaStatus(record);
    if (status !== 'succeeded') {
        throw new ApiError(
            400,
            1,
            `Invalid media_source.media_id: media upload ${mediaId} is ${status}, not succeeded (poll GET /v5/media/${mediaId} until it is).`,
        );
    }
    if (source.cover_image_content_type !== undefined && source.cover_image_data === undefined) {
        throw new ApiError(400, 1, 'Invalid media_source: cover_image_content_type is only valid with cover_image_data.');
    }
    let coverSeed: string;
    if (source.cover_image_url !== undefined) {
        coverSeed = checkFetchable(source.cover_image_url, 'media_source.cover_image_url');
    } else if (source.cover_image_data !== undefined) {
        if (source.cover_image_content_type === undefined) {
            throw new ApiError(400, 1, "Invalid media_source: cover_image_data needs 'cover_image_content_type' (image/jpeg or image/png).");
        }
        coverSeed = `b64:${checkBase64(source.cover_image_data, 'media_source.cover_image_data')}`;
    } else if (source.cover_image_key_frame_time !== undefined) {
        coverSeed = `frame:${mediaId}:${String(source.cover_image_key_frame_time)}`;
    } else {
        throw new ApiError(
            400,
            1,
            'Invalid media_source: a video Pin needs a cover image: cover_image_url, cover_image_data with cover_image_content_type, or cover_image_key_frame_time.',
        );
    }
    const images = pinImages(coverSeed, 16 / 9);
    const hash = createHash('md5').update(coverSeed).digest('hex');
    return {
        media_type: 'video',
        cover_image_url: `https://i.pinimg.com/videos/thumbnails/originals/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash.slice(4, 6)}/${hash}.0000000.jpg`,
        duration: null,
        height: null,
        width: null,
        images,
        video_url: null,
    };
}

function createBoard(ctx: HandlerContext): HandlerResult {
    const token = tokenOf(ctx);
    const { state } = ctx;
    const body = ctx.body as Record<string, unknown>;
    let name = String(body.name);
    let privacy = (typeof body.privacy === 'string' ? body.privacy : 'PUBLIC') as BoardPrivacy;
    // The spec: an ad-only board is always named "Ad-only Pins" and PROTECTED.
    if (body.is_ads_only === true) {
        name = 'Ad-only Pins';
        privacy = 'PROTECTED';
    }
    if (name.trim() === '') throw new ApiError(400, 1, "Invalid request body: 'name' must not be empty.");
    if (privacy === 'SECRET' && !has(token, 'boards:write_secret')) throw missingScopesError(['boards:write_secret']);
    const normalized = name.trim().toLowerCase();
    if (state.boardRecordsOf(token.userId).some((b) => b.name.trim().toLowerCase() === normalized)) {
        throw new ApiError(409, 58, MESSAGES.duplicateBoard);
    }
    const description = typeof body.description === 'string' ? body.description : null;
    const board = state.createBoard(token.userId, { name, description, privacy });
    return { status: 201, body: board };
}

/** The board of a sections operation; sections of SECRET boards also need the `*_secret` scope of the operation. */
function sectionBoard(ctx: HandlerContext, secretScope: string): BoardRecord {
    const board = visibleBoard(ctx);
    if (board.privacy === 'SECRET' && !has(tokenOf(ctx), secretScope)) throw missingScopesError([secretScope]);
    return board;
}

function listBoardSections(ctx: HandlerContext): HandlerResult {
    const token = tokenOf(ctx);
    const board = sectionBoard(ctx, 'boards:read_secret');
    const { page, bookmark } = paginate(board.sections, `board-sections|${token.userId}|${board.id}`, ctx.query, 'asc');
    return { status: 200, body: { items: page.map((s) => ({ id: s.id, name: s.name })), bookmark } };
}

function createBoardSection(ctx: HandlerContext): HandlerResult {
    const board = sectionBoard(ctx, 'boards:write_secret');
    const name = String((ctx.body as Record<string, unknown>).name);
    const normalized = name.trim().toLowerCase();
    if (normalized === '') throw new ApiError(400, 1, "Invalid board section parameters: 'name' must not be blank.");
    if (board.sections.some((s) => s.name.trim().toLowerCase() === normalized)) {
        throw new ApiError(400, 1, `Invalid board section parameters: the board already has a section named '${name}'.`);
    }
    return { status: 201, body: ctx.state.createBoardSection(board.id, name) };
}

function registerMedia(ctx: HandlerContext): HandlerResult {
    const token = tokenOf(ctx);
    const { record, uploadUrl } = ctx.state.registerMedia(token.userId, ctx.origin);
    return {
        status: 201,
        body: { media_id: record.id, media_type: record.mediaType, upload_url: uploadUrl, upload_parameters: { ...record.uploadParameters } },
    };
}

function getMedia(ctx: HandlerContext): HandlerResult {
    const token = tokenOf(ctx);
    const record = ctx.state.mediaRecord(ctx.pathParams.media_id ?? '');
    if (!record || record.ownerId !== token.userId) throw new ApiError(404, 404, MESSAGES.mediaNotFound);
    const body = ctx.state.renderMedia(record);
    // Processing advances with each poll after the upload.
    if (record.upload) record.polls += 1;
    return { status: 200, body };
}

function listMedia(ctx: HandlerContext): HandlerResult {
    const token = tokenOf(ctx);
    const records = ctx.state.mediaRecordsOf(token.userId);
    const { page, bookmark } = paginate(records, `media|${token.userId}`, ctx.query);
    return { status: 200, body: { items: page.map((r) => ctx.state.renderMedia(r)), bookmark } };
}

/**
 * `GET /ad_accounts/{ad_account_id}`: the ad account with the caller's own `permissions` on it (`OWNER` for its
 * owner), as Business Access has them; someone with no role on it is refused like any other resource.
 */
function getAdAccount(ctx: HandlerContext): HandlerResult {
    const token = tokenOf(ctx);
    const account = ctx.state.getAdAccount(ctx.pathParams.ad_account_id ?? '');
    if (!account) throw new ApiError(404, 404, MESSAGES.adAccountNotFound);
    const permissions = account.ownerId === token.userId ? ['OWNER'] : account.members[token.userId];
    if (!permissions) throw new ApiError(403, 29, MESSAGES.notPermitted);
    const owner = ctx.state.getUser(account.ownerId);
    return {
        status: 200,
        body: { id: account.id, name: account.name, owner: { id: account.ownerId, username: owner?.username ?? '' }, permissions: [...permissions] },
    };
}

function oauthToken(ctx: HandlerContext): HandlerResult {
    const app = ctx.app;
    if (!app) throw new ApiError(401, 2, MESSAGES.authFailed);
    const body = ctx.body as Record<string, unknown>;
    const grant = String(body.grant_type);
    let result;
    if (grant === 'refresh_token') {
        const requested = typeof body.scope === 'string' ? body.scope.split(/[\s,]+/).filter(Boolean) : undefined;
        result = ctx.state.refreshAccessToken(String(body.refresh_token), app.appId, requested);
        if (!result.ok)
            throw new ApiError(400, 1, `Invalid refresh token: ${result.reason}. Refresh tokens rotate: use the one returned by the last refresh.`);
    } else if (grant === 'authorization_code') {
        result = ctx.state.exchangeAuthorizationCode(String(body.code), app.appId, String(body.redirect_uri));
        if (!result.ok) throw new ApiError(400, 1, `Invalid authorization code: ${result.reason}.`);
    } else {
        throw new ApiError(400, 1, `grant_type ${grant} is not enabled for this app.`);
    }
    const nowSec = Math.floor(ctx.now() / 1000);
    return {
        status: 200,
        body: {
            access_token: result.tokens.accessToken,
            refresh_token: result.tokens.refreshToken,
            response_type: grant,
            token_type: 'bearer',
            expires_in: result.accessTtlSec,
            refresh_token_expires_in: result.refreshTtlSec,
            refresh_token_expires_at: nowSec + result.refreshTtlSec,
            scope: result.scopes.join(' '),
        },
    };
}

export const HANDLERS: Record<string, (ctx: HandlerContext) => HandlerResult> = {
    'user_account/get': getUserAccount,
    'boards/list': listBoards,
    'boards/get': getBoard,
    'boards/list_pins': listBoardPins,
    'boards/create': createBoard,
    'board_sections/list': listBoardSections,
    'board_sections/create': createBoardSection,
    'media/create': registerMedia,
    'media/get': getMedia,
    'media/list': listMedia,
    'pins/list': listPins,
    'pins/get': getPin,
    'pins/create': createPin,
    'pins/update': updatePin,
    'pins/delete': deletePin,
    'pins/save': savePin,
    'oauth/token': oauthToken,
    'ad_accounts/get': getAdAccount,
};
