import got, { type Got, HTTPError, type NormalizedOptions, type Options, RequestError, type Response } from 'got';
import { z } from 'zod';

import { PinterestError, type PinterestErrorKind } from './errors.js';
import { expandPath, type Operation } from './operations.js';
import { Pacer, type PacingOptions } from './pacing.js';
import { RateLimitTracker, readRateLimitHeaders } from './rate-limit.js';
import { redactSecrets } from './redact.js';
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

export interface TransportOptions {
    baseUrl: string;
    /** The user's token; a transport without one can only make app-authenticated token requests. */
    tokens?: AccessTokenSource;
    /** Whole-request timeout per attempt. */
    timeoutMs?: number;
    retry?: Partial<RetryPolicy>;
    now?: () => number;
    random?: () => number;
    sleep?: (ms: number) => Promise<void>;
    onRetry?: (notice: RetryNotice) => void;
    /** Which rate-limit categories are spaced ahead of time, and how (see pacing.ts). */
    pacing?: Partial<PacingOptions>;
}

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
}

interface RequestContext {
    operation: Operation;
    app?: AppCredentials;
    grantType?: string;
    subject?: string;
    refreshedToken?: boolean;
}

/** Network failures where the request provably never reached Pinterest, so even a POST may be sent again. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
const RETRIED_NETWORK_CODES = ['ETIMEDOUT', 'ECONNRESET', 'EADDRINUSE', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'ENETUNREACH', 'EAI_AGAIN', 'EHOSTUNREACH'];
const RETRIED_STATUS_CODES = [429, 500, 502, 503, 504];

const contextOf = (options: Options | NormalizedOptions): RequestContext => options.context.pinterest as RequestContext;

/**
 * How every request reaches Pinterest: got with hooks for authentication, token refresh, rate limits,
 * retries and error translation. Endpoint functions describe calls; this is the only place that sends them.
 */
export class PinterestTransport {
    /** Attempts sent to the API, retries included; the benchmark and tests read it. */
    requestCount = 0;
    readonly rateLimits: RateLimitTracker;
    readonly http: Got;
    private readonly policy: RetryPolicy;
    private readonly random: () => number;
    private readonly sleep: (ms: number) => Promise<void>;
    private readonly pacer: Pacer;

    constructor(private readonly options: TransportOptions) {
        this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
        this.random = options.random ?? Math.random;
        this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        this.rateLimits = new RateLimitTracker(options.now);
        this.pacer = new Pacer((category) => this.rateLimits.snapshot(category), options.now ?? Date.now, this.sleep, options.pacing);
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

    /** Sends one call and parses its answer with `schema`; any failure becomes a PinterestError. */
    async request<T extends z.ZodType>(operation: Operation, call: ApiCall, schema: T): Promise<z.infer<T>> {
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
        const wait = this.rateLimits.waitBeforeNext(context.operation.category);
        if (wait > this.policy.maxRateLimitWaitMs) {
            throw new PinterestError({ kind: 'rate-limited', operation: context.operation, resetSeconds: wait / 1000 });
        }
        if (wait > 0) await this.sleep(wait);
        else await this.pacer.beforeRequest(context.operation.category);
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

function contextFor(operation: Operation, call: ApiCall): RequestContext {
    return { operation, app: call.app, grantType: call.grantType, subject: call.subject };
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
