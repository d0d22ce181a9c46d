import { type ApiSplitMetrics, type ApiTopPins, multiPinAnalyticsSchema, splitMetricsSchema, topPinsSchema } from './analytics-schemas.js';
import { OPERATIONS } from './operations.js';
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
    boardSectionSchema,
    type MediaStatus,
    mediaStatusSchema,
    type MediaUpload,
    mediaUploadSchema,
    type Pin,
    type PinCreate,
    pinCreateSchema,
    pinSchema,
    type TokenResponse,
    tokenResponseSchema,
} from './schemas.js';
import { type AppCredentials, PinterestTransport, type TransportOptions } from './transport.js';

export const PRODUCTION_BASE_URL = 'https://api.pinterest.com/v5';
export const SANDBOX_BASE_URL = 'https://api-sandbox.pinterest.com/v5';

export { MAX_PAGE_SIZE } from './pagination.js';
export type { ListOptions, ListPage } from './pagination.js';
export type { AccessTokenSource, AppCredentials, RetryNotice, RetryPolicy } from './transport.js';
export { DEFAULT_RETRY_POLICY } from './transport.js';
export type PinterestClientOptions = TransportOptions;

/**
 * The Pinterest API v5 endpoints this Actor uses, each a short description of a call. Sending, retrying,
 * rate limits, token refresh and error translation are the transport's; paging is `listPages`'.
 */
export class PinterestClient {
    readonly transport: PinterestTransport;
    private account?: Promise<{ account: Account; rateLimit?: ReturnType<RateLimitTracker['snapshot']> }>;

    constructor(options: PinterestClientOptions) {
        this.transport = new PinterestTransport(options);
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

    listBoards(options: ListOptions & { privacy?: string }): AsyncGenerator<ListPage<Board>> {
        return listPages(this.transport, OPERATIONS.listBoards, boardSchema, options, { query: { privacy: options.privacy } });
    }

    listBoardSections(boardId: string, options: ListOptions): AsyncGenerator<ListPage<BoardSection>> {
        const call = { pathParams: { board_id: boardId }, subject: `board ${boardId}` };
        return listPages(this.transport, OPERATIONS.listBoardSections, boardSectionSchema, options, call);
    }

    listBoardPins(boardId: string, options: ListOptions & { pinMetrics?: boolean }): AsyncGenerator<ListPage<Pin>> {
        const call = { pathParams: { board_id: boardId }, query: { pin_metrics: options.pinMetrics || undefined }, subject: `board ${boardId}` };
        return listPages(this.transport, OPERATIONS.listBoardPins, pinSchema, options, call);
    }

    listPins(options: ListOptions & { pinMetrics?: boolean }): AsyncGenerator<ListPage<Pin>> {
        return listPages(this.transport, OPERATIONS.listPins, pinSchema, options, { query: { pin_metrics: options.pinMetrics || undefined } });
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
    async createPin(pin: PinCreate, options: { beforeSend?: () => Promise<string | undefined> } = {}): Promise<Pin> {
        const body = pinCreateSchema.parse(pin);
        // pinSchema needs only the id, so a 201 with an id is a created pin whatever else its answer holds.
        return this.transport.request(
            OPERATIONS.createPin,
            { json: body, subject: `board ${body.board_id}`, beforeSend: options.beforeSend },
            pinSchema,
        );
    }

    /** Registers a video upload (`POST /media`): where to upload the file and with which form fields. */
    async registerVideoUpload(): Promise<MediaUpload> {
        return this.transport.request(OPERATIONS.registerMedia, { json: { media_type: 'video' } }, mediaUploadSchema);
    }

    async getMedia(mediaId: string): Promise<MediaStatus> {
        return this.transport.request(OPERATIONS.getMedia, { pathParams: { media_id: mediaId }, subject: `media ${mediaId}` }, mediaStatusSchema);
    }

    /** `GET /pins/{pin_id}/analytics`: the pin's numbers, keyed by split value (`all` without a split). */
    async getPinAnalytics(pinId: string, query: PinAnalyticsQuery): Promise<ApiSplitMetrics> {
        return this.transport.request(
            OPERATIONS.getPinAnalytics,
            { pathParams: { pin_id: pinId }, query: analyticsQuery(query), subject: `pin ${pinId}` },
            splitMetricsSchema,
        );
    }

    /** `GET /pins/analytics` for up to 100 pins: keyed by pin id (pins without data left out), then by split value. */
    async getMultiPinAnalytics(pinIds: readonly string[], query: Omit<PinAnalyticsQuery, 'splitField'>): Promise<Record<string, ApiSplitMetrics>> {
        const call = { query: { pin_ids: pinIds.join(','), ...analyticsQuery(query) }, subject: `${pinIds.length} pins` };
        return this.transport.request(OPERATIONS.getMultiPinAnalytics, call, multiPinAnalyticsSchema);
    }

    /** `GET /user_account/analytics`: the account's numbers per day, keyed by split value. */
    async getAccountAnalytics(query: AccountAnalyticsQuery): Promise<ApiSplitMetrics> {
        return this.transport.request(OPERATIONS.getAccountAnalytics, { query: analyticsQuery(query) }, splitMetricsSchema);
    }

    /** `GET /user_account/analytics/top_pins`: the account's best pins over the range by one metric. */
    async getTopPins(query: AccountAnalyticsQuery & { sortBy: string; numOfPins?: number }): Promise<ApiTopPins> {
        const { sortBy, numOfPins, splitField: _ignored, ...rest } = query;
        return this.transport.request(
            OPERATIONS.getTopPins,
            { query: { ...analyticsQuery(rest), sort_by: sortBy, num_of_pins: numOfPins } },
            topPinsSchema,
        );
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
     * `POST /oauth/token` for the authorization-code grant (the `npm run auth` helper). `continuous_refresh`
     * asks apps created before 2025-09-25 for the rotating 60-day refresh token instead of the retired legacy
     * one; newer apps get that kind anyway.
     */
    async exchangeAuthorizationCode(app: AppCredentials, code: string, redirectUri: string): Promise<TokenResponse> {
        const form = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, continuous_refresh: 'true' };
        return this.transport.request(OPERATIONS.oauthToken, { app, grantType: form.grant_type, form }, tokenResponseSchema);
    }
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

function analyticsQuery(query: Partial<PinAnalyticsQuery>): Record<string, string | undefined> {
    return {
        start_date: query.startDate,
        end_date: query.endDate,
        metric_types: query.metricTypes?.length ? query.metricTypes.join(',') : undefined,
        app_types: query.appTypes,
        split_field: query.splitField,
    };
}
