import { describe, expect, it } from 'vitest';

import { describeCounts } from '../../src/publish/batch.js';
import { describeApiLocation } from '../../src/run/connect.js';
import { PinterestError } from '../../src/pinterest/errors.js';
import { OPERATIONS } from '../../src/pinterest/operations.js';

describe('messages are true in context', () => {
    it('does not tell a Trial app already in the sandbox to switch to the sandbox', () => {
        const production = new PinterestError({
            kind: 'trial-production',
            operation: OPERATIONS.createPin,
            status: 403,
            code: 29,
            environment: 'production',
        });
        expect(production.message).toMatch(/set environment to "sandbox"/);
        const sandbox = new PinterestError({
            kind: 'trial-production',
            operation: OPERATIONS.createPin,
            status: 403,
            code: 29,
            environment: 'sandbox',
        });
        expect(sandbox.message).not.toMatch(/set environment to/);
        expect(sandbox.message).toMatch(
            /^Pinterest refused the write \(pins\/create\) as not allowed for a Trial app although environment is "sandbox": check that the token was issued for the sandbox/,
        );
    });

    it('names the API actually used, not "production", when PINTEREST_API_BASE_URL points elsewhere', () => {
        expect(describeApiLocation('production', {})).toBe('production');
        expect(describeApiLocation('sandbox', {})).toBe('the sandbox');
        expect(describeApiLocation('production', { PINTEREST_API_BASE_URL: 'http://127.0.0.1:8080/v5' })).toBe(
            'http://127.0.0.1:8080/v5 (PINTEREST_API_BASE_URL, with production settings)',
        );
    });

    it('says when a 503 asked to come back later', () => {
        const error = new PinterestError({ kind: 'server-error', operation: OPERATIONS.listBoards, status: 503, resetSeconds: 120 });
        expect(error.message).toBe(
            "Pinterest answered with a server error (HTTP 503): this is on Pinterest's side, try again in about 2 min, as Pinterest asked.",
        );
    });
});

describe('a batch’s counts', () => {
    it('are written as people read them, whatever the status', () => {
        expect(describeCounts({ 'would-create': 90_000, 'would-schedule': 9_000, failed: 1_000, 'not-attempted': 1_200 })).toBe(
            "90,000 pins would be created, 9,000 pins would be scheduled, 1,200 not attempted, 1,000 failed (see each row's error).",
        );
    });
});
