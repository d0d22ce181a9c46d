import got, { type Got, HTTPError, type NormalizedOptions, type Options, ParseError, RequestError, type Response } from 'got';
import { z } from 'zod';

import { PinterestError, type PinterestErrorKind } from './errors.js';
import { expandPath, type Operation, type RateLimitCategory } from './operations.js';
import { RateLimitTracker, readRateLimitHeaders, readRetryAfter, RequestPacer } from './rate-limit.js';
import { redactSecrets, registerSecret } from './redact.js';
import { errorBodySchema } from './schemas.js';

/** Where the bearer token comes from. The transport never stores it; it asks before every attempt. */
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

/** A wait before a request because the quota of its category is known to be spent (no request was sent). */
export interface RateLimitWaitNotice {
    /** The request that waits; absent when the pacer spaces a category's requests ahead of time. */
    operation?: Operation;
    category: RateLimitCategory;
    delayMs: number;
    reason: string;
}

export interface TransportOptions {
    baseUrl: string;
    /** Which Pinterest environment the token belongs to, for messages (a Trial app is told what fits it). */
    environment?: 'production' | 'sandbox';
    /** The user's token; a transport without one can only make app-authenticated token requests. */
    tokens?: AccessTokenSource;
    /** Whole-request timeout per attempt. */
    timeoutMs?: number;
    retry?: Partial<RetryPolicy>;
    now?: () => number;
    random?: () => number;
    sleep?: (ms: number) => Promise<void>;
    onRetry?: (notice: RetryNotice) => void;
    onRateLimitWait?: (notice: RateLimitWaitNotice) => void;
}

/** Categories whose requests are spaced ahead of time; reads are cheap and plentiful, so they are not paced. */
const PACED_CATEGORIES = new Set<RateLimitCategory>(['org_write', 'org_analytics']);

export interface AppCredentials {
    appId: string;
    appSecret: string;
}

/** One call of an operation: what fills its path, query and body, and who it authenticates as. */
export interface ApiCall {
    pathParams?: Record<string, string>;
    query?: Record<string, string | number | boolean | undefined>;
    json?: unknown;
    form?: Record<string, string>;
    /** Set for `POST /oauth/token`, which authenticates the app (HTTP Basic) instead of a user token. */
    app?: AppCredentials;
    /** For token requests: which grant, so a rejection is described right. */
    grantType?: string;
    /** What the request is about, for error messages ("board 123"). */
    subject?: string;
    /**
     * Called right before each attempt leaves, after any pacing wait: the place to record that a write is about to
     * happen. Resolves to a reason not to send it after all (a batch that stopped meanwhile withdraws the writes
     * still waiting for their turn), or undefined to go ahead.
     */
    beforeSend?: () => Promise<string | undefined>;
}

interface RequestContext {
    operation: Operation;
    app?: AppCredentials;
    grantType?: string;
    subject?: string;
    beforeSend?: () => Promise<string | undefined>;
    refreshedToken?: boolean;
}

/** Network failures where the request provably never reached Pinterest, so even a POST may be sent again. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
const RETRIED_NETWORK_CODES = [
    'ETIMEDOUT',
    'ECONNRESET',
    'EADDRINUSE',
    'ECONNREFUSED',
    'EPIPE',
    'ENOTFOUND',
    'ENETUNREACH',
    'EAI_AGAIN',
    'EHOSTUNREACH',
];
const RETRIED_STATUS_CODES = [429, 500, 502, 503, 504];

const contextOf = (options: Options | NormalizedOptions): RequestContext => options.context.pinterest as RequestContext;

/**
 * A failure of the token source (a refresh Pinterest rejected, a damaged credentials record) inside one of got's
 * hooks. got would wrap it like a network error; marking it lets `request` rethrow the original, which already
 * says what is wrong.
 */
class TokenSourceFailure extends Error {
    constructor(readonly original: unknown) {
        super(original instanceof Error ? original.message : String(original));
    }
}

async function fromTokenSource<T>(call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (error) {
        throw new TokenSourceFailure(error);
    }
}

/** The `Authorization` value for the app's own requests; its base64 form is a secret too, so it is registered. */
function basicAuthorization(app: AppCredentials): string {
    const encoded = Buffer.from(`${app.appId}:${app.appSecret}`).toString('base64');
    registerSecret(encoded);
    return `Basic ${encoded}`;
}

/**
 * How every request reaches Pinterest: got with hooks for authentication, token refresh, rate limits,
 * retries and error translation. Endpoint functions describe calls; this is the only place that sends them.
 */
export class PinterestTransport {
    /** Attempts sent to the API, retries included; the benchmark and tests read it. */
    requestCount = 0;
    readonly rateLimits: RateLimitTracker;
    readonly pacer: RequestPacer;
    readonly http: Got;
    private readonly policy: RetryPolicy;
    private readonly random: () => number;
    private readonly sleep: (ms: number) => Promise<void>;
    private readonly now: () => number;
    /** Credentials are only ever sent here: Pinterest's API origin (or the override), never where a redirect points. */
    private readonly origin: string;

    constructor(private readonly options: TransportOptions) {
        this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
        this.random = options.random ?? Math.random;
        this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        this.now = options.now ?? Date.now;
        this.rateLimits = new RateLimitTracker(this.now);
        this.pacer = new RequestPacer(this.rateLimits, this.now, this.sleep, (category, waitMs, reason) =>
            options.onRateLimitWait?.({ operation: undefined, category, delayMs: Math.round(waitMs), reason }),
        );
        this.origin = new URL(options.baseUrl).origin;
        this.http = got.extend({
            prefixUrl: options.baseUrl,
            responseType: 'json',
            // The API never redirects. Following one would carry the Authorization header (re-added by the hook
            // below for every attempt) and the token form to whatever host the Location names.
            followRedirect: false,
            timeout: { request: options.timeoutMs ?? 30_000 },
            headers: { accept: 'application/json', 'user-agent': 'pinterest-publisher-analytics (Apify Actor)' },
            retry: {
                limit: this.policy.limit,
                methods: ['GET', 'POST'],
                statusCodes: RETRIED_STATUS_CODES,
                errorCodes: RETRIED_NETWORK_CODES,
                enforceRetryRules: true,
                // got drops retries whose Retry-After exceeds this (default: the request timeout); retryDelay decides.
                maxRetryAfter: Number.POSITIVE_INFINITY,
                // got awaits this: the wait happens here, on the injectable clock, and got then retries at once.
                calculateDelay: async ({ attemptCount, error }) => {
                    const delay = this.retryDelay(attemptCount, error);
                    if (delay > 1) await this.sleep(delay);
                    return delay === 0 ? 0 : 1;
                },
            },
            hooks: {
                beforeRequest: [async (requestOptions) => this.prepareAttempt(requestOptions)],
                afterResponse: [async (response, retryWithMergedOptions) => this.afterResponse(response, retryWithMergedOptions)],
                beforeError: [
                    (error) => {
                        // A failed attempt without an answer still ends the pacer's wait for the category's first answer.
                        if (!error.response && error.options?.context?.pinterest) this.pacer.settled(contextOf(error.options).operation.category);
                        return error;
                    },
                ],
                beforeRetry: [
                    (error) => {
                        if (!error.response && error.options?.context?.pinterest) this.pacer.settled(contextOf(error.options).operation.category);
                    },
                ],
            },
        });
    }

    /** Sends one call and parses its answer with `schema`; any failure becomes a PinterestError. */
    async request<T extends z.ZodType>(operation: Operation, call: ApiCall, schema: T): Promise<z.infer<T>> {
        // Any other error (a damaged credentials record, a refresh Pinterest refused) passes through as it is.
        const context = contextFor(operation, call);
        let response: Response<unknown>;
        try {
            response = await this.http(expandPath(operation, call.pathParams), {
                method: operation.method,
                searchParams: definedOnly(call.query),
                json: call.json,
                form: call.form,
                context: { pinterest: context },
            });
        } catch (error) {
            throw this.translateError(error, context);
        }
        return parseBody(schema, response, context);
    }

    /**
     * got's pagination over one operation, with this transport's hooks and error translation. `transform` turns
     * each response into what is yielded; `next` returns the query of the next page, or false at the end.
     */
    async *paginate<P>(
        operation: Operation,
        call: ApiCall,
        transform: (body: unknown, response: Response) => P,
        next: (page: P) => Record<string, string | number | boolean | undefined> | false,
    ): AsyncGenerator<P> {
        const context = contextFor(operation, call);
        try {
            yield* this.http.paginate<P>(expandPath(operation, call.pathParams), {
                searchParams: definedOnly(call.query),
                context: { pinterest: context },
                pagination: {
                    transform: (response) => [transform(response.body, response)],
                    paginate: ({ currentItems: [page] }) => {
                        const query = page === undefined ? false : next(page);
                        return query === false ? false : { searchParams: definedOnly(query) };
                    },
                },
            });
        } catch (error) {
            throw this.translateError(error, context);
        }
    }

    /** Parses a response body for an operation, turning a mismatch into a PinterestError. */
    parse<T extends z.ZodType>(operation: Operation, schema: T, response: Response, subject?: string): z.infer<T> {
        return parseBody(schema, response, { operation, subject });
    }

    private async prepareAttempt(requestOptions: NormalizedOptions): Promise<void> {
        const context = contextOf(requestOptions);
        const url = requestOptions.url instanceof URL ? requestOptions.url : new URL(String(requestOptions.url));
        if (url.origin !== this.origin) {
            // Unreachable while redirects are off; kept so that no future option can send credentials elsewhere.
            throw new PinterestError({ kind: 'redirected', operation: context.operation, redirectHost: url.host });
        }
        const { category } = context.operation;
        // Paced categories wait in the pacer, which knows the window; others only when their quota is spent.
        const wait = PACED_CATEGORIES.has(category) ? this.pacer.waitForSpentQuota(category) : this.rateLimits.waitBeforeNext(category);
        if (wait > this.policy.maxRateLimitWaitMs) {
            throw new PinterestError({ kind: 'rate-limited', operation: context.operation, resetSeconds: wait / 1000 });
        }
        if (wait > 0) {
            this.options.onRateLimitWait?.({
                operation: context.operation,
                category,
                delayMs: Math.round(wait),
                reason: `the ${category} quota is spent until it resets`,
            });
            await this.sleep(wait);
        }
        if (PACED_CATEGORIES.has(category)) await this.pacer.waitTurn(category);
        const withdrawn = await context.beforeSend?.();
        if (withdrawn) {
            this.pacer.settled(category);
            throw new PinterestError({ kind: 'not-sent', operation: context.operation, apiMessage: withdrawn, subject: context.subject });
        }
        requestOptions.headers.authorization = context.app
            ? basicAuthorization(context.app)
            : `Bearer ${await fromTokenSource(async () => this.userToken())}`;
        this.requestCount += 1;
    }

    private async userToken(): Promise<string> {
        if (!this.options.tokens) throw new Error('This Pinterest client has no access token; it can only request tokens.');
        return this.options.tokens.getAccessToken();
    }

    private async afterResponse(response: Response, retryWithMergedOptions: (options: Record<string, unknown>) => never): Promise<Response> {
        const context = contextOf(response.request.options);
        this.rateLimits.record(context.operation.category, response.headers);
        this.pacer.settled(context.operation.category);
        if (isRedirect(response)) throw redirectError(response, context);

        const refresh = this.options.tokens?.refreshAccessToken?.bind(this.options.tokens);
        if (response.statusCode === 401 && errorCode(response) === 2 && refresh && !context.app && !context.refreshedToken) {
            const rejected = String(response.request.options.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
            const fresh = await fromTokenSource(async () => refresh(rejected));
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
            const untilReset = waitAsked(response, this.now());
            if (untilReset !== undefined) {
                if (untilReset > this.policy.maxRateLimitWaitMs) return 0;
                // Land just after the reset; a little jitter keeps parallel runs from arriving together.
                delay = untilReset + this.random() * Math.min(1000, this.policy.baseDelayMs);
            }
            reason = 'rate limited (429)';
        } else if (context.operation.method === 'POST' && !neverReachedServer(error)) {
            return 0;
        } else if (response?.statusCode === 503) {
            // A 503 may say when to come back; the same limit applies as for rate limits.
            const retryAfter = readRetryAfter(response.headers, this.now());
            if (retryAfter !== undefined) {
                if (retryAfter > this.policy.maxRateLimitWaitMs) return 0;
                delay = Math.max(delay, retryAfter);
                reason = 'HTTP 503 with Retry-After';
            }
        }

        this.options.onRetry?.({ operation: context.operation, retry: attemptCount, delayMs: Math.round(delay), reason });
        return Math.max(1, delay);
    }

    private translateError(error: unknown, context: RequestContext): unknown {
        if (error instanceof PinterestError) return error;
        if (error instanceof TokenSourceFailure) return error.original;
        const { operation, subject } = context;
        if (!(error instanceof RequestError)) {
            const detail = error instanceof z.ZodError ? 'response did not match the expected shape' : String(error);
            return new PinterestError({ kind: 'unexpected-response', operation, apiMessage: redactSecrets(detail) });
        }
        // A hook's own error arrives wrapped by got.
        if (error.cause instanceof PinterestError) return error.cause;
        if (error.cause instanceof TokenSourceFailure) return error.cause.original;
        const attempts = (error.request?.retryCount ?? 0) + 1;
        if (error.response && isRedirect(error.response)) return redirectError(error.response, context);
        if (error instanceof ParseError) {
            const { response } = error;
            return new PinterestError({
                kind: 'not-json',
                operation,
                status: response.statusCode,
                contentType: headerValue(response.headers['content-type'])?.split(';')[0]?.trim(),
                requestId: headerValue(response.headers['x-pinterest-rid']),
            });
        }
        // Node refuses header values with line breaks or other control characters before anything is sent.
        if (error.code === 'ERR_INVALID_CHAR' || error.code === 'ERR_HTTP_INVALID_HEADER_VALUE') {
            return new PinterestError({ kind: 'unsendable-credentials', operation });
        }

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
                resetSeconds: resetSecondsOf(response, this.now()),
                environment: this.options.environment,
            });
        }

        const kind: PinterestErrorKind = operation.method === 'POST' && !neverReachedServer(error) ? 'outcome-unknown' : 'network';
        return new PinterestError({ kind, operation, networkCode: error.code, subject, attempts });
    }
}

function contextFor(operation: Operation, call: ApiCall): RequestContext {
    return { operation, app: call.app, grantType: call.grantType, subject: call.subject, beforeSend: call.beforeSend };
}

function definedOnly(query: ApiCall['query']): Record<string, string | number | boolean> | undefined {
    if (!query) return undefined;
    return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as Record<string, string | number | boolean>;
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

function parseBody<T extends z.ZodType>(schema: T, response: Response, context: Pick<RequestContext, 'operation' | 'subject'>): z.infer<T> {
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

function isRedirect(response: Response): boolean {
    return response.statusCode >= 300 && response.statusCode < 400;
}

/** Names only the host a redirect points to: its path or query may carry anything. */
function redirectError(response: Response, context: RequestContext): PinterestError {
    const location = headerValue(response.headers.location);
    let host: string | undefined;
    try {
        host = location ? new URL(location, response.url).host : undefined;
    } catch {
        host = undefined;
    }
    return new PinterestError({
        kind: 'redirected',
        operation: context.operation,
        status: response.statusCode,
        redirectHost: host,
        requestId: headerValue(response.headers['x-pinterest-rid']),
    });
}

/** Milliseconds a 429 asks to wait: `X-RateLimit-Reset` (Pinterest's own header), else `Retry-After`. */
function waitAsked(response: Response, now: number): number | undefined {
    const reset = readRateLimitHeaders(response.headers, now).resetSeconds;
    return reset !== undefined ? reset * 1000 : readRetryAfter(response.headers, now);
}

function resetSecondsOf(response: Response, now: number): number | undefined {
    const wait = response.statusCode === 429 ? waitAsked(response, now) : readRetryAfter(response.headers, now);
    return wait === undefined ? undefined : wait / 1000;
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
