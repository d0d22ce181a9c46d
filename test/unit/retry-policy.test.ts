import { describe, expect, it } from 'vitest';

import { type HttpMethod, type Operation, OPERATIONS } from '../../src/pinterest/operations.js';
import { type AttemptFailure, DEFAULT_RETRY_POLICY, judgeFailure, planRetry } from '../../src/pinterest/retry-policy.js';

const idempotent = [OPERATIONS.getPin, OPERATIONS.updatePin, OPERATIONS.deletePin];
const unsafe = [OPERATIONS.createPin, OPERATIONS.createBoard, OPERATIONS.registerMedia, OPERATIONS.savePin, OPERATIONS.oauthToken];

const answered = (status: number, extra: Partial<AttemptFailure> = {}): AttemptFailure => ({ status, neverReachedServer: false, ...extra });
const unanswered = (networkCode: string, neverReachedServer = false): AttemptFailure => ({ networkCode, neverReachedServer });

describe('the operation, not its method, decides', () => {
    it('GET, PATCH and DELETE are idempotent; the creating POSTs and the token exchange are not', () => {
        expect(idempotent.map((op) => [op.method, op.idempotent])).toEqual([
            ['GET', true],
            ['PATCH', true],
            ['DELETE', true],
        ]);
        expect(unsafe.every((op) => op.method === 'POST' && !op.idempotent)).toBe(true);
        expect(
            Object.values(OPERATIONS)
                .filter((op) => op.method === 'GET')
                .every((op) => op.idempotent),
        ).toBe(true);
    });

    it('a POST that were idempotent would be retried after a 5xx, a DELETE that were not would not', () => {
        const as = (operation: Operation, method: HttpMethod, value: boolean): Operation => ({ ...operation, method, idempotent: value });
        expect(judgeFailure(as(OPERATIONS.createPin, 'POST', true), answered(503))).toEqual({ retryable: true, outcomeUnknown: false });
        expect(judgeFailure(as(OPERATIONS.deletePin, 'DELETE', false), answered(503))).toEqual({ retryable: false, outcomeUnknown: true });
    });
});

describe('judgeFailure', () => {
    it.each([...idempotent, ...unsafe])('retries a 429 that is not spam, and nothing after a spam block (%s)', (operation) => {
        expect(judgeFailure(operation, answered(429))).toEqual({ retryable: true, outcomeUnknown: false });
        expect(judgeFailure(operation, answered(429, { spam: true }))).toEqual({ retryable: false, outcomeUnknown: false });
    });

    it.each([...idempotent, ...unsafe])('retries a failure that provably never reached the server (%s)', (operation) => {
        for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])
            expect(judgeFailure(operation, unanswered(code, true))).toEqual({ retryable: true, outcomeUnknown: false });
        // Refused before sending for a reason that does not pass (a header Node will not send): final, not unknown.
        expect(judgeFailure(operation, unanswered('ERR_INVALID_CHAR', true))).toEqual({ retryable: false, outcomeUnknown: false });
    });

    it.each(idempotent)('retries a 5xx, a timeout and a dropped connection of an idempotent operation (%s)', (operation) => {
        for (const failure of [answered(500), answered(502), answered(503), answered(504), unanswered('ETIMEDOUT'), unanswered('ECONNRESET')])
            expect(judgeFailure(operation, failure)).toEqual({ retryable: true, outcomeUnknown: false });
        expect(judgeFailure(operation, answered(501))).toEqual({ retryable: false, outcomeUnknown: false });
    });

    it.each(unsafe)('calls a 5xx, a timeout or a dropped connection after sending outcome-unknown, never retried (%s)', (operation) => {
        for (const failure of [answered(500), answered(501), answered(503), unanswered('ETIMEDOUT'), unanswered('ECONNRESET'), unanswered('EPIPE')])
            expect(judgeFailure(operation, failure)).toEqual({ retryable: false, outcomeUnknown: true });
    });

    it.each([...idempotent, ...unsafe])('takes any other answer as final (%s)', (operation) => {
        for (const status of [200, 302, 400, 401, 403, 404, 409])
            expect(judgeFailure(operation, answered(status))).toEqual({ retryable: false, outcomeUnknown: false });
    });
});

describe('planRetry', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    const half = () => 0.5;

    it('grows the pause with jitter up to the maximum, and stops after the limit', () => {
        const delays = [1, 2, 3, 4, 5].map((retry) => planRetry(OPERATIONS.deletePin, answered(500), retry, policy, half));
        expect(delays.map((plan) => (plan.retry ? plan.delayMs : 0))).toEqual([75, 150, 300, 600, 750]);
        expect(planRetry(OPERATIONS.deletePin, answered(500), 6, policy, half)).toEqual({ retry: false });
        expect(delays[0]).toEqual({ retry: true, delayMs: 75, reason: 'HTTP 500' });
    });

    it('waits out a 429 reset for any operation, but not one later than the longest wait', () => {
        expect(planRetry(OPERATIONS.deletePin, answered(429, { waitAskedMs: 1000 }), 1, policy, () => 0)).toEqual({
            retry: true,
            delayMs: 1000,
            reason: 'rate limited (429)',
        });
        expect(planRetry(OPERATIONS.savePin, answered(429, { waitAskedMs: 2000 }), 1, policy, () => 0)).toMatchObject({ retry: true, delayMs: 2000 });
        expect(planRetry(OPERATIONS.deletePin, answered(429, { waitAskedMs: 3_600_000 }), 1, policy, () => 0)).toEqual({ retry: false });
    });

    it("honours a 503's Retry-After for idempotent operations only", () => {
        expect(planRetry(OPERATIONS.getPin, answered(503, { waitAskedMs: 30_000 }), 1, policy, half)).toEqual({
            retry: true,
            delayMs: 30_000,
            reason: 'HTTP 503 with Retry-After',
        });
        expect(planRetry(OPERATIONS.getPin, answered(503, { waitAskedMs: 120_000 }), 1, policy, half)).toEqual({ retry: false });
        expect(planRetry(OPERATIONS.createPin, answered(503, { waitAskedMs: 1000 }), 1, policy, half)).toEqual({ retry: false });
    });

    it('names the network code as the reason', () => {
        expect(planRetry(OPERATIONS.updatePin, unanswered('ECONNRESET'), 1, policy, half)).toMatchObject({ retry: true, reason: 'ECONNRESET' });
    });
});
