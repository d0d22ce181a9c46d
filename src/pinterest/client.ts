import { z } from 'zod';

import {
    type ApiSplitMetrics,
    type ApiTopPins,
    multiPinAnalyticsSchema,
    pinInMultiPinSchema,
    skippedDaysOf,
    splitMetricsSchema,
    topPinsSchema,
} from './analytics-schemas.js';
import { PinterestError } from './errors.js';
import { type Operation, OPERATIONS } from './operations.js';
import { type ListOptions, type ListPage, listPages } from './pagination.js';
import type { RateLimitTracker } from './rate-limit.js';
import {
    type Account,
    accountSchema,
    type Board,
    type BoardCreate,
    boardCreateSchema,
    boardSchema,
    type BoardSection,
    type BoardSectionCreate,
    boardSectionCreateSchema,
    boardSectionSchema,
    lenient,
    mediaStatusSchema,
    type MediaStatus,
    type MediaUpload,
    mediaUploadAnswerSchema,
    noContentSchema,
    type Pin,
    type PinCreate,
    pinCreateSchema,
    type PinSave,
    pinSaveSchema,
    pinSchema,
    type PinUpdate,
    pinUpdateSchema,
    type TokenResponse,
    tokenResponseSchema,
} from './schemas.js';
import { type AccessTokenSource, type AppCredentials, PinterestTransport, type TransportOptions, type Unusable } from './transport.js';

export const PRODUCTION_BASE_URL = 'https://api.pinterest.com/v5';
export const SANDBOX_BASE_URL = 'https://api-sandbox.pinterest.com/v5';

export { MAX_PAGE_SIZE } from './pagination.js';
export type { ListOptions, ListPage } from './pagination.js';
export type { AccessTokenSource, AppCredentials, RetryNotice, RetryPolicy, SkipNotice } from './transport.js';
export { DEFAULT_RETRY_POLICY } from './transport.js';
export type PinterestClientOptions = TransportOptions;

const PINS_WITHOUT_ID: Unusable = { one: 'pin without an id', many: 'pins without an id' };
const DAYS_WITHOUT_DATE: Unusable = { one: 'day without a date', many: 'days without a date' };

/** A section as `POST /boards/{board_id}/sections` answers it: the id is checked by the client, with a sentence. */
const createdSectionSchema = z.looseObject({ id: lenient(z.string()), name: lenient(z.string()) });

/** Options of the writes that must not be repeated blindly, for a ledger to record the attempt. */
export interface WriteOptions {
    /** Called right before the request leaves (see `ApiCall.beforeSend`). */
    beforeSend?: () => Promise<string | undefined>;
}

/**
 * The Pinterest API v5 endpoints this Actor uses, each a short description of a call. Sending, retrying,
 * rate limits, token refresh and error translation are the transport's; paging is `listPages`'.
 */
export class PinterestClient {
    readonly transport: PinterestTransport;
    private account?: Promise<{ account: Account; rateLimit?: ReturnType<RateLimitTracker['snapshot']> }>;

    constructor(private readonly options: PinterestClientOptions) {
        this.transport = new PinterestTransport(options);
    }

    /** A client like this one (same API, environment and notices) that acts with other tokens: a just-connected account's. */
    withTokens(tokens: AccessTokenSource): PinterestClient {
        return new PinterestClient({ ...this.options, tokens });
    }

    /** Attempts sent to the API, retries included. */
    get requestCount(): number {
        return this.transport.requestCount;
    }

    get rateLimits(): RateLimitTracker {
        return this.transport.rateLimits;
    }

    /** The token's account; asked once per client (preflight and the queue both need it). */
    async getUserAccount(): Promise<{ account: Account; rateLimit?: ReturnType<RateLimitTracker['snapshot']> }> {
        const operation = OPERATIONS.getUserAccount;
        this.account ??= this.transport
            .request(operation, {}, accountSchema)
            .then((account) => ({ account, rateLimit: this.rateLimits.snapshot(operation.category) }));
        this.account.catch(() => (this.account = undefined));
        return this.account;
    }

    /** `GET /boards/{board_id}`: one board, by id. */
    async getBoard(boardId: string): Promise<Board> {
        return this.transport.request(OPERATIONS.getBoard, { pathParams: { board_id: boardId }, subject: `board ${boardId}` }, boardSchema);
    }

    listBoards(options: ListOptions & { privacy?: string }): AsyncGenerator<ListPage<Board>> {
        return listPages(
            this.transport,
            OPERATIONS.listBoards,
            boardSchema,
            options,
            { query: { privacy: options.privacy } },
            {
                one: 'board without an id or a name',
                many: 'boards without an id or a name',
            },
        );
    }

    /** The board's sections, in Pinterest's order; asked 250 at a time (the API's default page is 25). */
    listBoardSections(boardId: string, options: ListOptions): AsyncGenerator<ListPage<BoardSection>> {
        const call = { pathParams: { board_id: boardId }, subject: `board ${boardId}` };
        return listPages(this.transport, OPERATIONS.listBoardSections, boardSectionSchema, options, call, {
            one: 'section without an id or a name',
            many: 'sections without an id or a name',
        });
    }

    /**
     * `POST /boards/{board_id}/sections`. Not repeated once it may have reached Pinterest (a timeout or 5xx is
     * `outcome-unknown`); Pinterest refuses a second section of the same name on a board.
     */
    async createBoardSection(boardId: string, section: BoardSectionCreate): Promise<BoardSection> {
        const operation = OPERATIONS.createBoardSection;
        const call = { pathParams: { board_id: boardId }, json: boardSectionCreateSchema.parse(section), subject: `board ${boardId}` };
        const answer = await this.transport.request(operation, call, createdSectionSchema);
        return {
            ...answer,
            id: required(operation, answer.id, 'id', 'the Actor needs to put pins in the new section'),
            name: answer.name ?? section.name,
        };
    }

    listBoardPins(boardId: string, options: ListOptions & { pinMetrics?: boolean }): AsyncGenerator<ListPage<Pin>> {
        const call = { pathParams: { board_id: boardId }, query: { pin_metrics: options.pinMetrics || undefined }, subject: `board ${boardId}` };
        return listPages(this.transport, OPERATIONS.listBoardPins, pinSchema, options, call, PINS_WITHOUT_ID);
    }

    listPins(options: ListOptions & { pinMetrics?: boolean }): AsyncGenerator<ListPage<Pin>> {
        const call = { query: { pin_metrics: options.pinMetrics || undefined } };
        return listPages(this.transport, OPERATIONS.listPins, pinSchema, options, call, PINS_WITHOUT_ID);
    }

    async getPin(pinId: string, options: { pinMetrics?: boolean } = {}): Promise<Pin> {
        const call = { pathParams: { pin_id: pinId }, query: { pin_metrics: options.pinMetrics || undefined }, subject: `pin ${pinId}` };
        return this.transport.request(OPERATIONS.getPin, call, pinSchema);
    }

    async createBoard(board: BoardCreate): Promise<Board> {
        return this.transport.request(
            OPERATIONS.createBoard,
            { json: boardCreateSchema.parse(board), subject: `board "${board.name}"` },
            boardSchema,
        );
    }

    /**
     * Creates a pin. Never retried once the request may have reached Pinterest (there is no idempotency key):
     * a timeout, dropped connection or 5xx after sending throws a PinterestError whose `outcomeUnknown` is true.
     */
    async createPin(pin: PinCreate, options: WriteOptions = {}): Promise<Pin> {
        const body = pinCreateSchema.parse(pin);
        // pinSchema needs only the id, so a 201 with an id is a created pin whatever else its answer holds.
        return this.transport.request(
            OPERATIONS.createPin,
            { json: body, subject: `board ${body.board_id}`, beforeSend: options.beforeSend },
            pinSchema,
        );
    }

    /**
     * `PATCH /pins/{pin_id}`: changes the given fields (null clears one), moves the pin to another board or section.
     * In beta and not available to all apps: an app without access gets a PinterestError with status 401 and code 3,
     * whose message says so. Retried like a read, since the same change twice is the change once.
     */
    async updatePin(pinId: string, update: PinUpdate): Promise<Pin> {
        const call = { pathParams: { pin_id: pinId }, json: pinUpdateSchema.parse(update), subject: `pin ${pinId}` };
        return this.transport.request(OPERATIONS.updatePin, call, pinSchema);
    }

    /**
     * `DELETE /pins/{pin_id}` (204). Resolves once the pin is gone: a 404 on the first attempt is an error (the id is
     * wrong, or the pin is not the token user's), a 404 on a retry means an earlier attempt already deleted it.
     */
    async deletePin(pinId: string): Promise<void> {
        try {
            await this.transport.request(OPERATIONS.deletePin, { pathParams: { pin_id: pinId }, subject: `pin ${pinId}` }, noContentSchema);
        } catch (error) {
            if (error instanceof PinterestError && error.kind === 'not-found' && (error.attempts ?? 1) > 1) return;
            throw error;
        }
    }

    /**
     * `POST /pins/{pin_id}/save`: saves the pin (any public pin, or one of the user's) to one of the user's boards,
     * optionally a section of it, as a new pin, which is returned. Like `createPin` it is not repeated once it may
     * have reached Pinterest: each save makes another pin.
     */
    async savePin(pinId: string, target: PinSave, options: WriteOptions = {}): Promise<Pin> {
        const body = pinSaveSchema.parse(target);
        const call = { pathParams: { pin_id: pinId }, json: body, subject: `board ${body.board_id}`, beforeSend: options.beforeSend };
        return this.transport.request(OPERATIONS.savePin, call, pinSchema);
    }

    /**
     * Registers a video upload (`POST /media`): where to upload the file and with which form fields. The description
     * makes `upload_url` and `upload_parameters` optional; without them there is no upload, which the error says.
     */
    async registerVideoUpload(): Promise<MediaUpload> {
        const operation = OPERATIONS.registerMedia;
        const answer = await this.transport.request(operation, { json: { media_type: 'video' } }, mediaUploadAnswerSchema);
        const neededFor = 'the video upload needs';
        return {
            ...answer,
            media_id: required(operation, answer.media_id, 'media_id', neededFor),
            upload_url: required(operation, answer.upload_url, 'upload_url', neededFor),
            upload_parameters: required(operation, answer.upload_parameters, 'upload_parameters', neededFor),
        };
    }

    async getMedia(mediaId: string): Promise<MediaStatus> {
        return this.transport.request(OPERATIONS.getMedia, { pathParams: { media_id: mediaId }, subject: `media ${mediaId}` }, mediaStatusSchema);
    }

    /** `GET /pins/{pin_id}/analytics`: the pin's numbers, keyed by split value (`all` without a split). */
    async getPinAnalytics(pinId: string, query: PinAnalyticsQuery): Promise<ApiSplitMetrics> {
        const operation = OPERATIONS.getPinAnalytics;
        const call = { pathParams: { pin_id: pinId }, query: analyticsQuery(query), subject: `pin ${pinId}` };
        return this.withDatedDays(operation, await this.transport.request(operation, call, splitMetricsSchema));
    }

    /**
     * `GET /pins/analytics` for up to 100 pins: keyed by pin id (pins without data left out), then by split value.
     * Only the pins asked for are read; a value that is no metrics at all counts as "no data" for its pin.
     */
    async getMultiPinAnalytics(pinIds: readonly string[], query: Omit<PinAnalyticsQuery, 'splitField'>): Promise<Record<string, ApiSplitMetrics>> {
        const operation = OPERATIONS.getMultiPinAnalytics;
        const call = { query: { pin_ids: pinIds.join(','), ...analyticsQuery(query) }, subject: `${pinIds.length} pins` };
        const answer = await this.transport.request(operation, call, multiPinAnalyticsSchema);
        const byPin: Record<string, ApiSplitMetrics> = {};
        for (const pinId of new Set(pinIds)) {
            if (!Object.hasOwn(answer, pinId)) continue;
            const metrics = pinInMultiPinSchema.safeParse(answer[pinId]);
            if (metrics.success) byPin[pinId] = metrics.data;
        }
        const skippedDays = Object.values(byPin).reduce((sum, metrics) => sum + skippedDaysOf(metrics), 0);
        this.transport.noteSkipped(operation, skippedDays, DAYS_WITHOUT_DATE);
        return byPin;
    }

    /** `GET /user_account/analytics`: the account's numbers per day, keyed by split value. */
    async getAccountAnalytics(query: AccountAnalyticsQuery): Promise<ApiSplitMetrics> {
        const operation = OPERATIONS.getAccountAnalytics;
        return this.withDatedDays(operation, await this.transport.request(operation, { query: analyticsQuery(query) }, splitMetricsSchema));
    }

    /** `GET /user_account/analytics/top_pins`: the account's best pins over the range by one metric. */
    async getTopPins(query: TopPinsQuery): Promise<ApiTopPins> {
        return this.ranking(OPERATIONS.getTopPins, query, 'top pin');
    }

    /**
     * `GET /user_account/analytics/top_video_pins`: the account's best video pins over the range by one metric, with
     * the video metrics. An account without video pins gets an empty list.
     */
    async getTopVideoPins(query: TopPinsQuery): Promise<ApiTopPins> {
        return this.ranking(OPERATIONS.getTopVideoPins, query, 'top video pin');
    }

    private async ranking(operation: Operation, query: TopPinsQuery, noun: string): Promise<ApiTopPins> {
        const { sortBy, numOfPins, splitField: _ignored, ...rest } = query;
        const answer = await this.transport.request(
            operation,
            { query: { ...analyticsQuery(rest), sort_by: sortBy, num_of_pins: numOfPins } },
            topPinsSchema,
        );
        this.transport.noteSkipped(operation, answer.skippedPins, { one: `${noun} without a pin_id`, many: `${noun}s without a pin_id` });
        return answer;
    }

    /**
     * `POST /oauth/token` for the refresh-token grant. Like pin creation it is never retried once it may have
     * reached Pinterest: a refresh that went through rotates the refresh token even if its answer is lost.
     */
    async refreshAccessToken(app: AppCredentials, refreshToken: string): Promise<TokenResponse> {
        const form = { grant_type: 'refresh_token', refresh_token: refreshToken };
        return this.transport.request(OPERATIONS.oauthToken, { app, grantType: form.grant_type, form }, tokenResponseSchema);
    }

    /**
     * `POST /oauth/token` for the authorization-code grant (`npm run auth`, mode connect-account). `continuous_refresh`
     * asks apps created before 2025-09-25 for the rotating 60-day refresh token instead of the retired legacy
     * one; newer apps get that kind anyway.
     */
    async exchangeAuthorizationCode(app: AppCredentials, code: string, redirectUri: string): Promise<TokenResponse> {
        const form = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, continuous_refresh: 'true' };
        return this.transport.request(OPERATIONS.oauthToken, { app, grantType: form.grant_type, form }, tokenResponseSchema);
    }

    private withDatedDays(operation: Operation, answer: ApiSplitMetrics): ApiSplitMetrics {
        this.transport.noteSkipped(operation, skippedDaysOf(answer), DAYS_WITHOUT_DATE);
        return answer;
    }
}

/** A field the caller cannot do without; its absence is an `incomplete-answer` saying what Pinterest left out. */
function required<T>(operation: Operation, value: T | null | undefined, field: string, neededFor: string): T {
    if (value === null || value === undefined) throw new PinterestError({ kind: 'incomplete-answer', operation, missing: field, neededFor });
    return value;
}

export interface PinAnalyticsQuery {
    /** `YYYY-MM-DD`, UTC. */
    startDate: string;
    endDate: string;
    /** Pinterest's metric names (`IMPRESSION`, `SAVE`, ...). */
    metricTypes: readonly string[];
    appTypes?: string;
    splitField?: string;
}

export type AccountAnalyticsQuery = Omit<PinAnalyticsQuery, 'metricTypes'> & { metricTypes?: readonly string[] };

/** The rankings take no split: a `splitField` given is left out of the request. */
export type TopPinsQuery = AccountAnalyticsQuery & { sortBy: string; numOfPins?: number };

function analyticsQuery(query: Partial<PinAnalyticsQuery>): Record<string, string | undefined> {
    return {
        start_date: query.startDate,
        end_date: query.endDate,
        metric_types: query.metricTypes?.length ? query.metricTypes.join(',') : undefined,
        app_types: query.appTypes,
        split_field: query.splitField,
    };
}
