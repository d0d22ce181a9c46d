import got, { type Got, HTTPError, type NormalizedOptions, type Options, RequestError, type Response } from 'got';
import { z } from 'zod';

import { PinterestError, type PinterestErrorKind } from './errors.js';
import { type Operation, OPERATIONS } from './operations.js';
import { RateLimitTracker, type RateLimitSnapshot, readRateLimitHeaders } from './rate-limit.js';
import { redactSecrets } from './redact.js';
import {
    type Account,
    accountSchema,
    type Board,
    boardSchema,
    errorBodySchema,
    pageSchema,
    type Pin,
    type PinCreate,
    pinCreateSchema,
    pinSchema,
    type TokenResponse,
    tokenResponseSchema,
} from './schemas.js';

export const PRODUCTION_BASE_URL = 'https://api.pinterest.com/v5';
export const SANDBOX_BASE_URL = 'https://api-sandbox.pinterest.com/v5';
/** The API's maximum `page_size`. */
export const MAX_PAGE_SIZE = 250;

/** Where the bearer token comes from. The client never stores it; it asks before every attempt. */
export interface AccessTokenSource {
    getAccessToken(): Promise<string>;
    /**
     * Called when Pinterest rejects `rejected` as invalid or expired (401, code 2). Returns a fresh token to
     * retry with once, or undefined when there is no way to get one.
     */
    refreshAccessToken?(rejected: string): Promise<string | undefined>;
}

export interface RetryPolicy {
    /** Retries after the first attempt. */
    limit: number;
    baseDelayMs: number;
    maxDelayMs: number;
    /** A 429 that resets later than this fails at once with the reset time, instead of stalling the run. */
    maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { limit: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxRateLimitWaitMs: 65_000 };

export interface RetryNotice {
    operation: Operation;
    /** 1 for the first retry. */
    retry: number;
    delayMs: number;
    reason: string;
}

export interface PinterestClientOptions {
    baseUrl: string;
    /** The user's token; a client without one can only make app-authenticated token requests. */
    tokens?: AccessTokenSource;
    /** Whole-request timeout per attempt. */
    timeoutMs?: number;
    retry?: Partial<RetryPolicy>;
    now?: () => number;
    random?: () => number;
    onRetry?: (notice: RetryNotice) => void;
}

export interface ListOptions {
    /** Stop after this many items; page sizes shrink so that no request fetches more than still needed. */
    maxItems: number;
    /** Continue a list from a page's `nextBookmark` (after a restart) instead of from its start. */
    bookmark?: string;
}

/** One page of a list: its items and the bookmark of the page after it (null on the last page). */
export interface ListPage<T> {
    items: T[];
    nextBookmark: string | null;
}

export interface AppCredentials {
    appId: string;
    appSecret: string;
}

/** The form of a `POST /oauth/token` request, per grant. */
type TokenGrant =
    | { grant_type: 'refresh_token'; refresh_token: string }
    | { grant_type: 'authorization_code'; code: string; redirect_uri: string; continuous_refresh: 'true' };

interface RequestContext {
    operation: Operation;
    /** Set for `POST /oauth/token`, which authenticates the app (HTTP Basic) instead of a user token. */
    app?: AppCredentials;
    grantType?: TokenGrant['grant_type'];
    /** What the request is about, for error messages ("board 123"). */
    subject?: string;
    refreshedToken?: boolean;
}

/** Network failures where the request provably never reached Pinterest, so even a POST may be sent again. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
const RETRIED_NETWORK_CODES = ['ETIMEDOUT', 'ECONNRESET', 'EADDRINUSE', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'ENETUNREACH', 'EAI_AGAIN', 'EHOSTUNREACH'];
const RETRIED_STATUS_CODES = [429, 500, 502, 503, 504];

const contextOf = (options: Options | NormalizedOptions): RequestContext => options.context.pinterest as RequestContext;

/**
 * A small Pinterest API v5 client over got. Retries, backoff, rate limits, token refresh and error translation
 * live here and only here; callers see typed results and `PinterestError`s with one-sentence messages.
 */
export class PinterestClient {
    /** Attempts sent to the API, retries included; the benchmark and tests read it. */
    requestCount = 0;
    readonly rateLimits: RateLimitTracker;
    private readonly http: Got;
    private readonly policy: RetryPolicy;
    private readonly random: () => number;

    constructor(private readonly options: PinterestClientOptions) {
        this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
        this.random = options.random ?? Math.random;
        this.rateLimits = new RateLimitTracker(options.now);
        this.http = got.extend({
            prefixUrl: options.baseUrl,
            responseType: 'json',
            timeout: { request: options.timeoutMs ?? 30_000 },
            headers: { accept: 'application/json', 'user-agent': 'pinterest-publisher-analytics (Apify Actor)' },
            retry: {
                limit: this.policy.limit,
                methods: ['GET', 'POST'],
                statusCodes: RETRIED_STATUS_CODES,
                errorCodes: RETRIED_NETWORK_CODES,
                enforceRetryRules: true,
                calculateDelay: ({ attemptCount, error }) => this.retryDelay(attemptCount, error),
            },
            hooks: {
                beforeRequest: [async (requestOptions) => this.prepareAttempt(requestOptions)],
                afterResponse: [async (response, retryWithMergedOptions) => this.afterResponse(response, retryWithMergedOptions)],
            },
        });
    }

    async getUserAccount(): Promise<{ account: Account; rateLimit?: RateLimitSnapshot }> {
        const operation = OPERATIONS.getUserAccount;
        const account = await this.send({ operation }, 'user_account', accountSchema);
        return { account, rateLimit: this.rateLimits.snapshot(operation.category) };
    }

    listBoards(options: ListOptions & { privacy?: string }): AsyncGenerator<ListPage<Board>> {
        return this.pages(OPERATIONS.listBoards, 'boards', boardSchema, options, { privacy: options.privacy });
    }

    listBoardPins(boardId: string, options: ListOptions & { pinMetrics?: boolean }): AsyncGenerator<ListPage<Pin>> {
        const params = { pin_metrics: options.pinMetrics || undefined };
        return this.pages(OPERATIONS.listBoardPins, `boards/${boardId}/pins`, pinSchema, options, params, `board ${boardId}`);
    }

    listPins(options: ListOptions & { pinMetrics?: boolean }): AsyncGenerator<ListPage<Pin>> {
        return this.pages(OPERATIONS.listPins, 'pins', pinSchema, options, { pin_metrics: options.pinMetrics || undefined });
    }

    /**
     * Creates a pin. Never retried once the request may have reached Pinterest (there is no idempotency key):
     * a timeout, dropped connection or 5xx after sending throws a PinterestError whose `outcomeUnknown` is true.
     */
    async createPin(pin: PinCreate): Promise<Pin> {
        const body = pinCreateSchema.parse(pin);
        return this.send({ operation: OPERATIONS.createPin, subject: `board ${body.board_id}` }, 'pins', pinSchema, { method: 'POST', json: body });
    }

    /**
     * `POST /oauth/token` for the refresh-token grant. Like pin creation it is never retried once it may have
     * reached Pinterest: a refresh that went through rotates the refresh token even if its answer is lost.
     */
    async refreshAccessToken(app: AppCredentials, refreshToken: string): Promise<TokenResponse> {
        return this.requestToken(app, { grant_type: 'refresh_token', refresh_token: refreshToken });
    }

    /**
     * `POST /oauth/token` for the authorization-code grant (the `npm run auth` helper). `continuous_refresh`
     * asks apps created before 2025-09-25 for the rotating 60-day refresh token instead of the retired legacy
     * one; newer apps get that kind anyway.
     */
    async exchangeAuthorizationCode(app: AppCredentials, code: string, redirectUri: string): Promise<TokenResponse> {
        return this.requestToken(app, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, continuous_refresh: 'true' });
    }

    private async requestToken(app: AppCredentials, form: TokenGrant): Promise<TokenResponse> {
        const context: RequestContext = { operation: OPERATIONS.oauthToken, app, grantType: form.grant_type };
        return this.send(context, 'oauth/token', tokenResponseSchema, { method: 'POST', form });
    }

    private async send<T extends z.ZodType>(
        context: RequestContext,
        path: string,
        schema: T,
        request: { method?: 'GET' | 'POST'; json?: unknown; form?: Record<string, string> } = {},
    ): Promise<z.infer<T>> {
        let response: Response<unknown>;
        try {
            response = await this.http(path, { method: request.method ?? 'GET', json: request.json, form: request.form, context: { pinterest: context } });
        } catch (error) {
            throw this.translateError(error, context);
        }
        return parseBody(schema, response, context);
    }

    /** Pages through a bookmark-paginated list, yielding page by page, never more than `maxItems` items in all. */
    private async *pages<T extends z.ZodType>(
        operation: Operation,
        path: string,
        itemSchema: T,
        { maxItems, bookmark }: ListOptions,
        filters: Record<string, string | boolean | undefined>,
        subject?: string,
    ): AsyncGenerator<ListPage<z.infer<T>>> {
        const schema = pageSchema(itemSchema);
        const context: RequestContext = { operation, subject };
        const baseParams = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)) as Record<string, string | boolean>;
        let fetched = 0;
        const pageSize = () => Math.min(MAX_PAGE_SIZE, maxItems - fetched);
        if (pageSize() <= 0) return;

        try {
            yield* this.http.paginate<ListPage<z.infer<T>>>(path, {
                searchParams: { ...baseParams, page_size: pageSize(), ...(bookmark ? { bookmark } : {}) },
                context: { pinterest: context },
                pagination: {
                    // Each element got yields is a whole page, so callers can store and charge a page at a time.
                    transform: (response) => {
                        const page = parseBody(schema, response, context);
                        const items = page.items.slice(0, pageSize());
                        fetched += items.length;
                        return [{ items, nextBookmark: page.bookmark || null }];
                    },
                    paginate: ({ currentItems: [page] }) => {
                        if (!page?.nextBookmark || page.items.length === 0 || pageSize() <= 0) return false;
                        return { searchParams: { ...baseParams, page_size: pageSize(), bookmark: page.nextBookmark } };
                    },
                },
            });
        } catch (error) {
            throw this.translateError(error, context);
        }
    }

    private async prepareAttempt(requestOptions: NormalizedOptions): Promise<void> {
        const context = contextOf(requestOptions);
        const wait = this.rateLimits.waitBeforeNext(context.operation.category);
        if (wait > this.policy.maxRateLimitWaitMs) {
            throw new PinterestError({ kind: 'rate-limited', operation: context.operation, resetSeconds: wait / 1000 });
        }
        if (wait > 0) await sleep(wait);
        requestOptions.headers.authorization = context.app
            ? `Basic ${Buffer.from(`${context.app.appId}:${context.app.appSecret}`).toString('base64')}`
            : `Bearer ${await this.userToken()}`;
        this.requestCount += 1;
    }

    private async userToken(): Promise<string> {
        if (!this.options.tokens) throw new Error('This Pinterest client has no access token; it can only request tokens.');
        return this.options.tokens.getAccessToken();
    }

    private async afterResponse(response: Response, retryWithMergedOptions: (options: Record<string, unknown>) => never): Promise<Response> {
        const context = contextOf(response.request.options);
        this.rateLimits.record(context.operation.category, response.headers);

        const refresh = this.options.tokens?.refreshAccessToken?.bind(this.options.tokens);
        if (response.statusCode === 401 && errorCode(response) === 2 && refresh && !context.app && !context.refreshedToken) {
            const rejected = String(response.request.options.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
            const fresh = await refresh(rejected);
            // A 401 means Pinterest did nothing, so retrying is safe for writes too; the new token is set in beforeRequest.
            // Keep this hook for the retry (preserveHooks) so its rate limits are recorded; the flag stops a second refresh.
            if (fresh) return retryWithMergedOptions({ context: { pinterest: { ...context, refreshedToken: true } }, preserveHooks: true });
        }
        return response;
    }

    private retryDelay(attemptCount: number, error: RequestError): number {
        // got's own signal that a hook asked for a retry (the token refresh above): go at once.
        if (error.name === 'RetryError') return 1;
        const context = contextOf(error.options);
        const response = error.response;
        let delay = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attemptCount - 1));
        delay = delay / 2 + this.random() * (delay / 2);
        let reason = response ? `HTTP ${response.statusCode}` : (error.code ?? 'network error');

        if (response?.statusCode === 429) {
            if (isSpamBlock(response)) return 0;
            const reset = readRateLimitHeaders(response.headers, 0).resetSeconds;
            if (reset !== undefined) {
                const untilReset = reset * 1000;
                if (untilReset > this.policy.maxRateLimitWaitMs) return 0;
                // Land just after the reset; a little jitter keeps parallel runs from arriving together.
                delay = untilReset + this.random() * Math.min(1000, this.policy.baseDelayMs);
            }
            reason = 'rate limited (429)';
        } else if (context.operation.method === 'POST' && !neverReachedServer(error)) {
            return 0;
        }

        this.options.onRetry?.({ operation: context.operation, retry: attemptCount, delayMs: Math.round(delay), reason });
        return Math.max(1, delay);
    }

    private translateError(error: unknown, context: RequestContext): PinterestError {
        if (error instanceof PinterestError) return error;
        const { operation, subject } = context;
        if (!(error instanceof RequestError)) {
            const detail = error instanceof z.ZodError ? 'response did not match the expected shape' : String(error);
            return new PinterestError({ kind: 'unexpected-response', operation, apiMessage: redactSecrets(detail) });
        }
        // A beforeRequest hook's own PinterestError arrives wrapped by got.
        if (error.cause instanceof PinterestError) return error.cause;
        const attempts = (error.request?.retryCount ?? 0) + 1;

        if (error instanceof HTTPError) {
            const { response } = error;
            const body = errorBodySchema.safeParse(response.body);
            const code = body.success ? body.data.code : undefined;
            const message = body.success ? [body.data.message, body.data.message_detail].filter(Boolean).join(' ') : undefined;
            const status = response.statusCode;
            return new PinterestError({
                kind: classifyHttpFailure(status, code, context, response),
                operation,
                status,
                code,
                apiMessage: message ? redactSecrets(message) : undefined,
                requestId: headerValue(response.headers['x-pinterest-rid']),
                subject,
                attempts,
                resetSeconds: readRateLimitHeaders(response.headers, 0).resetSeconds,
            });
        }

        const kind: PinterestErrorKind = operation.method === 'POST' && !neverReachedServer(error) ? 'outcome-unknown' : 'network';
        return new PinterestError({ kind, operation, networkCode: error.code, subject, attempts });
    }
}

function classifyHttpFailure(status: number, code: number | undefined, context: RequestContext, response: Response): PinterestErrorKind {
    const { operation } = context;
    if (context.app && status >= 400 && status < 500 && status !== 429) {
        if (status === 401) return 'app-credentials-rejected';
        return context.grantType === 'refresh_token' ? 'refresh-rejected' : 'bad-request';
    }
    if (status === 401) return code === 3 ? 'missing-scope' : 'invalid-token';
    if (status === 403) return code === 29 ? 'trial-production' : 'missing-scope';
    if (status === 404) return 'not-found';
    if (status === 429) return isSpamBlock(response) ? 'spam-blocked' : 'rate-limited';
    // A 5xx after a write was sent may hide a created pin (or a rotated refresh token).
    if (status >= 500) return operation.method === 'POST' ? 'outcome-unknown' : 'server-error';
    return 'bad-request';
}

function parseBody<T extends z.ZodType>(schema: T, response: Response, context: RequestContext): z.infer<T> {
    const parsed = schema.safeParse(response.body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new PinterestError({
        kind: 'unexpected-response',
        operation: context.operation,
        status: response.statusCode,
        apiMessage: issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : undefined,
        requestId: headerValue(response.headers['x-pinterest-rid']),
    });
}

function errorCode(response: Response): number | undefined {
    const body = errorBodySchema.safeParse(response.body);
    return body.success ? body.data.code : undefined;
}

function isSpamBlock(response: Response): boolean {
    const body = errorBodySchema.safeParse(response.body);
    if (!body.success) return false;
    return /spam/i.test(`${body.data.message ?? ''} ${body.data.message_detail ?? ''}`);
}

/** True only when no connection was ever made, so the server cannot have seen the request. */
function neverReachedServer(error: RequestError): boolean {
    if (error.response) return false;
    if (error.code && NEVER_SENT_CODES.has(error.code)) return true;
    const timings = error.timings;
    if (!timings) return false;
    const tls = error.options.url instanceof URL && error.options.url.protocol === 'https:';
    return timings.connect === undefined || (tls && timings.secureConnect === undefined);
}

function headerValue(value: string | string[] | undefined): string | undefined {
    return Array.isArray(value) ? value[0] : value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
