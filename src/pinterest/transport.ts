import got, { type Got, type NormalizedOptions, type Options, type RequestError, type Response } from 'got';
import type { z } from 'zod';

import { PinterestError } from './errors.js';
import {
    describeAttempt,
    errorCode,
    type FailureContext,
    fromTokenSource,
    isRedirect,
    redirectFailure,
    translateFailure,
    unexpectedAnswer,
} from './failures.js';
import { expandPath, type Operation, OPERATIONS, type RateLimitCategory } from './operations.js';
import { RateLimitTracker, RequestPacer } from './rate-limit.js';
import { registerSecret } from './redact.js';
import { DEFAULT_RETRY_POLICY, planRetry, type RetryPolicy } from './retry-policy.js';
import { adAccountRolesSchema } from './schemas.js';

export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

/** Where the bearer token comes from. The transport never stores it; it asks before every attempt. */
export interface AccessTokenSource {
    getAccessToken(): Promise<string>;
    /**
     * Called when Pinterest rejects `rejected` as invalid or expired (401, code 2). Returns a fresh token to
     * retry with once, or undefined when there is no way to get one.
     */
    refreshAccessToken?(rejected: string): Promise<string | undefined>;
}

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

/** Entries of an answer left out because they lack what the Actor needs (a board without an id, a day without a date). */
export interface SkipNotice {
    operation: Operation;
    count: number;
    /** One sentence saying what was left out and why. */
    message: string;
}

export interface TransportOptions {
    baseUrl: string;
    /** Which Pinterest environment the token belongs to, for messages (a Trial app is told what fits it). */
    environment?: 'production' | 'sandbox';
    /** The user's token; a transport without one can only make app-authenticated token requests. */
    tokens?: AccessTokenSource;
    /**
     * Business Access: act as the owner of this ad account. Sent as `ad_account_id` with every operation that takes
     * it (the media operations do not: uploads stay the token user's).
     */
    adAccountId?: string;
    /** Whole-request timeout per attempt. */
    timeoutMs?: number;
    retry?: Partial<RetryPolicy>;
    now?: () => number;
    random?: () => number;
    sleep?: (ms: number) => Promise<void>;
    onRetry?: (notice: RetryNotice) => void;
    onRateLimitWait?: (notice: RateLimitWaitNotice) => void;
    onSkipped?: (notice: SkipNotice) => void;
}

/** Categories whose requests are spaced ahead of time; reads are cheap and plentiful, so they are not paced. */
const PACED_CATEGORIES = new Set<RateLimitCategory>(['org_write', 'org_analytics']);

/** `ad_account_id` as the description allows it: digits, at most 18. */
const AD_ACCOUNT_ID = /^\d{1,18}$/;

export interface AppCredentials {
    appId: string;
    appSecret: string;
}

type Query = Record<string, string | number | boolean | undefined>;

/** What a left-out entry is, for the notice: `{ one: 'pin without an id', many: 'pins without an id' }`. */
export interface Unusable {
    one: string;
    many: string;
}

/** One call of an operation: what fills its path, query and body, and who it authenticates as. */
export interface ApiCall {
    pathParams?: Record<string, string>;
    query?: Query;
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

interface RequestContext extends FailureContext {
    app?: AppCredentials;
    beforeSend?: () => Promise<string | undefined>;
    refreshedToken?: boolean;
}

const contextOf = (options: Options | NormalizedOptions): RequestContext => options.context.pinterest as RequestContext;

/** The `Authorization` value for the app's own requests; its base64 form is a secret too, so it is registered. */
function basicAuthorization(app: AppCredentials): string {
    const encoded = Buffer.from(`${app.appId}:${app.appSecret}`).toString('base64');
    registerSecret(encoded);
    return `Basic ${encoded}`;
}

/**
 * How every request reaches Pinterest: got with hooks for authentication, token refresh, rate limits and
 * pacing. Whether and when a failed attempt is sent again is the retry policy's (retry-policy.ts), what a failure
 * means is failure translation's (failures.ts). Endpoint functions describe calls; this is the only place that
 * sends them.
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
    /** The caller's Business Access roles on `adAccountId`, once looked up after a refusal. */
    private roles?: Promise<readonly string[] | undefined>;
    /** Credentials are only ever sent here: Pinterest's API origin (or the override), never where a redirect points. */
    private readonly origin: string;

    constructor(private readonly options: TransportOptions) {
        if (options.adAccountId !== undefined && !AD_ACCOUNT_ID.test(options.adAccountId)) {
            throw new Error(`adAccountId must be the ad account's id, 1 to 18 digits, not "${options.adAccountId}".`);
        }
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
                // got's own rules (by method, status and error code) are off: the retry policy decides every case.
                enforceRetryRules: false,
                // got drops retries whose Retry-After exceeds this (default: the request timeout); the policy decides.
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
                searchParams: this.queryFor(operation, call.query),
                json: call.json,
                form: call.form,
                context: { pinterest: context },
            });
        } catch (error) {
            throw await this.withRole(this.translate(error, context));
        }
        return this.parse(operation, schema, response);
    }

    /**
     * got's pagination over one operation, with this transport's hooks and error translation. `transform` turns
     * each response into what is yielded; `next` returns the query of the next page, or false at the end.
     */
    async *paginate<P>(
        operation: Operation,
        call: ApiCall,
        transform: (body: unknown, response: Response) => P,
        next: (page: P) => Query | false,
    ): AsyncGenerator<P> {
        const context = contextFor(operation, call);
        try {
            yield* this.http.paginate<P>(expandPath(operation, call.pathParams), {
                searchParams: this.queryFor(operation, call.query),
                context: { pinterest: context },
                pagination: {
                    transform: (response) => [transform(response.body, response)],
                    paginate: ({ currentItems: [page] }) => {
                        const query = page === undefined ? false : next(page);
                        return query === false ? false : { searchParams: this.queryFor(operation, query) };
                    },
                },
            });
        } catch (error) {
            throw await this.withRole(this.translate(error, context));
        }
    }

    /**
     * A Business Access refusal names the caller's role on the ad account, when Pinterest tells it (which takes
     * `ads:read`); asked once per transport, and any failure of the lookup leaves the refusal as it was.
     */
    private async withRole(error: unknown): Promise<unknown> {
        const adAccountId = this.options.adAccountId;
        if (!(error instanceof PinterestError) || error.kind !== 'ad-account-refused' || !adAccountId) return error;
        this.roles ??= this.request(OPERATIONS.getAdAccount, { pathParams: { ad_account_id: adAccountId } }, adAccountRolesSchema).then(
            (account) => account.permissions,
            () => undefined,
        );
        const roles = await this.roles;
        return roles && roles.length > 0 ? error.withDetails({ roles }) : error;
    }

    /** Parses a response body for an operation, turning a mismatch into a PinterestError. */
    parse<T extends z.ZodType>(operation: Operation, schema: T, response: Response): z.infer<T> {
        const parsed = schema.safeParse(response.body);
        if (parsed.success) return parsed.data;
        throw unexpectedAnswer(response, { operation }, parsed.error.issues[0]);
    }

    /** Tells the caller that `count` entries of an answer were left out, in one sentence. `what` names one and many. */
    noteSkipped(operation: Operation, count: number, what: Unusable): void {
        if (count <= 0) return;
        const message = `Pinterest's answer to ${operation.id} held ${count} ${count === 1 ? what.one : what.many}, which the Actor cannot use; ${count === 1 ? 'it was' : 'they were'} left out.`;
        this.options.onSkipped?.({ operation, count, message });
    }

    private queryFor(operation: Operation, query: Query | undefined): Record<string, string | number | boolean> | undefined {
        const adAccount = operation.adAccount && this.options.adAccountId ? { ad_account_id: this.options.adAccountId } : {};
        const entries = Object.entries({ ...query, ...adAccount }).filter(([, value]) => value !== undefined);
        return entries.length > 0 ? (Object.fromEntries(entries) as Record<string, string | number | boolean>) : undefined;
    }

    private translate(error: unknown, context: RequestContext): unknown {
        return translateFailure(error, context, { now: this.now(), environment: this.options.environment, adAccountId: this.options.adAccountId });
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
        if (isRedirect(response)) throw redirectFailure(response, context.operation);

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

    /** Milliseconds before the next attempt, 0 for none: the retry policy's plan, told to `onRetry`. */
    private retryDelay(attemptCount: number, error: RequestError): number {
        // got's own signal that a hook asked for a retry (the token refresh above): go at once.
        if (error.name === 'RetryError') return 1;
        const { operation } = contextOf(error.options);
        const plan = planRetry(operation, describeAttempt(error, this.now()), attemptCount, this.policy, this.random);
        if (!plan.retry) return 0;
        this.options.onRetry?.({ operation, retry: attemptCount, delayMs: Math.round(plan.delayMs), reason: plan.reason });
        return plan.delayMs;
    }
}

function contextFor(operation: Operation, call: ApiCall): RequestContext {
    return { operation, app: call.app, grantType: call.grantType, subject: call.subject, beforeSend: call.beforeSend };
}
