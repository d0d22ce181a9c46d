import { HTTPError, ParseError, RequestError, type Response } from 'got';
import { z } from 'zod';

import { PinterestError, type PinterestErrorKind } from './errors.js';
import type { Operation } from './operations.js';
import { readRateLimitHeaders, readRetryAfter } from './rate-limit.js';
import { redactSecrets } from './redact.js';
import { type AttemptFailure, judgeFailure, RETRY_RULES } from './retry-policy.js';
import { errorBodySchema } from './schemas.js';

/** What a failure is about: the operation, and for messages who it authenticated as and what it concerned. */
export interface FailureContext {
    operation: Operation;
    /** Set for the app's own token requests (HTTP Basic). */
    app?: unknown;
    /** For token requests: which grant, so a rejection is described right. */
    grantType?: string;
    /** What the request is about, for error messages ("board 123"). */
    subject?: string;
}

/**
 * A failure of the token source (a refresh Pinterest rejected, a damaged credentials record) inside one of got's
 * hooks. got would wrap it like a network error; marking it lets the failure be passed on as it is, since it
 * already says what is wrong.
 */
export class TokenSourceFailure extends Error {
    constructor(readonly original: unknown) {
        super(original instanceof Error ? original.message : String(original));
    }
}

export async function fromTokenSource<T>(call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (error) {
        throw new TokenSourceFailure(error);
    }
}

/** An error raised by one of our own hooks before or after the exchange: final, never a reason to send again. */
export function isOwnHookError(error: RequestError): boolean {
    return error.cause instanceof PinterestError || error.cause instanceof TokenSourceFailure;
}

/** got's view of a failed attempt, reduced to what the retry policy judges. */
export function describeAttempt(error: RequestError, now: number): AttemptFailure {
    const { response } = error;
    if (response) {
        return {
            status: response.statusCode,
            spam: response.statusCode === 429 && isSpamBlock(response),
            neverReachedServer: false,
            waitAskedMs: waitAsked(response, now),
        };
    }
    return { networkCode: error.code, neverReachedServer: isOwnHookError(error) || neverReachedServer(error) };
}

/** Turns whatever a request threw into a PinterestError (a token source's own failure passes through as it is). */
export function translateFailure(
    error: unknown,
    context: FailureContext,
    { now, environment, adAccountId }: { now: number; environment?: 'production' | 'sandbox'; adAccountId?: string },
): unknown {
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
    if (error.response && isRedirect(error.response)) return redirectFailure(error.response, operation);
    if (error instanceof ParseError) {
        const { response } = error;
        return new PinterestError({
            kind: 'not-json',
            operation,
            status: response.statusCode,
            contentType: headerValue(response.headers['content-type'])?.split(';')[0]?.trim(),
            requestId: requestIdOf(response),
        });
    }
    // Node refuses header values with line breaks or other control characters before anything is sent.
    if (error.code === 'ERR_INVALID_CHAR' || error.code === 'ERR_HTTP_INVALID_HEADER_VALUE') {
        return new PinterestError({ kind: 'unsendable-credentials', operation });
    }
    const failure = describeAttempt(error, now);
    const verdict = judgeFailure(operation, failure);

    if (error instanceof HTTPError) {
        const { response } = error;
        const body = errorBodySchema.safeParse(response.body);
        const code = body.success ? body.data.code : undefined;
        const message = body.success ? [body.data.message, body.data.message_detail].filter(Boolean).join(' ') : undefined;
        const status = response.statusCode;
        // Business Access: the request acted on the ad account's owner, so a refusal is about the role there.
        const actingFor = context.operation.adAccount ? adAccountId : undefined;
        return new PinterestError({
            kind: verdict.outcomeUnknown ? 'outcome-unknown' : classifyAnswer(status, code, message, context, failure, actingFor),
            operation,
            status,
            code,
            apiMessage: message ? redactSecrets(message) : undefined,
            requestId: requestIdOf(response),
            subject,
            attempts,
            resetSeconds: failure.waitAskedMs === undefined ? undefined : failure.waitAskedMs / 1000,
            environment,
            grantType: context.grantType,
            adAccountId: actingFor,
        });
    }

    return new PinterestError({
        kind: verdict.outcomeUnknown ? 'outcome-unknown' : 'network',
        operation,
        networkCode: error.code,
        subject,
        attempts,
    });
}

/** What an error answer means for the user (an unconfirmed write is settled by the retry policy before this). */
function classifyAnswer(
    status: number,
    code: number | undefined,
    message: string | undefined,
    context: FailureContext,
    failure: AttemptFailure,
    adAccountId: string | undefined,
): PinterestErrorKind {
    if (context.app && status >= 400 && status < 500 && status !== 429) {
        if (status === 401) return 'app-credentials-rejected';
        if (context.grantType === 'authorization_code') return 'code-rejected';
        return context.grantType === 'refresh_token' ? 'refresh-rejected' : 'bad-request';
    }
    if (status === 401) return code === 3 ? 'missing-scope' : 'invalid-token';
    // Code 29 is "not permitted" in general; it is the Trial refusal when it is about creating pins.
    if (status === 403 && code === 29 && isTrialRefusal(context.operation, message)) return 'trial-production';
    if (status === 403) return adAccountId ? 'ad-account-refused' : 'missing-scope';
    if (status === 404) return 'not-found';
    if (status === 429) return failure.spam ? 'spam-blocked' : 'rate-limited';
    if (status >= 500) return 'server-error';
    return 'bad-request';
}

/** Pinterest's Trial refusal names Trial access; without a message, only pin creation is refused for it. */
function isTrialRefusal(operation: Operation, message: string | undefined): boolean {
    return message ? /trial/i.test(message) : operation.id === 'pins/create';
}

/** A parsed answer that is not what the API describes. */
export function unexpectedAnswer(response: Response, context: Pick<FailureContext, 'operation'>, issue?: z.core.$ZodIssue): PinterestError {
    return new PinterestError({
        kind: 'unexpected-response',
        operation: context.operation,
        status: response.statusCode,
        apiMessage: issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : undefined,
        requestId: requestIdOf(response),
    });
}

export function isRedirect(response: Response): boolean {
    return response.statusCode >= 300 && response.statusCode < 400;
}

/** Names only the host a redirect points to: its path or query may carry anything. */
export function redirectFailure(response: Response, operation: Operation): PinterestError {
    const location = headerValue(response.headers.location);
    let host: string | undefined;
    try {
        host = location ? new URL(location, response.url).host : undefined;
    } catch {
        host = undefined;
    }
    return new PinterestError({
        kind: 'redirected',
        operation,
        status: response.statusCode,
        redirectHost: host,
        requestId: requestIdOf(response),
    });
}

/** Milliseconds an answer asks to wait: on a 429 `X-RateLimit-Reset` (Pinterest's own header), else `Retry-After`. */
function waitAsked(response: Response, now: number): number | undefined {
    if (response.statusCode !== 429) return readRetryAfter(response.headers, now);
    const reset = readRateLimitHeaders(response.headers, now).resetSeconds;
    return reset !== undefined ? reset * 1000 : readRetryAfter(response.headers, now);
}

/** Pinterest's own error `code` in an error answer. */
export function errorCode(response: Response): number | undefined {
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
    if (error.code && RETRY_RULES.neverSentCodes.has(error.code)) return true;
    const timings = error.timings;
    if (!timings) return false;
    const tls = error.options.url instanceof URL && error.options.url.protocol === 'https:';
    return timings.connect === undefined || (tls && timings.secureConnect === undefined);
}

export function requestIdOf(response: Response): string | undefined {
    return headerValue(response.headers['x-pinterest-rid']);
}

function headerValue(value: string | string[] | undefined): string | undefined {
    return Array.isArray(value) ? value[0] : value;
}
