import { PinterestClient, type PinterestClientOptions, type RetryNotice } from '../../src/pinterest/client.js';
import { PinterestError } from '../../src/pinterest/errors.js';

/** The error a promise rejects with, of the given class (PinterestError by default); anything else fails the test. */
export async function failureOf(promise: Promise<unknown>): Promise<PinterestError>;
export async function failureOf<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E>;
export async function failureOf(promise: Promise<unknown>, type: abstract new (...args: never[]) => Error = PinterestError): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        if (error instanceof type) return error;
        throw error;
    }
    throw new Error(`expected a ${type.name}`);
}

/** A client whose waits are recorded instead of slept (no jitter), and whose retry notices are kept. */
export function recordingClient(options: PinterestClientOptions) {
    const waits: number[] = [];
    const retries: RetryNotice[] = [];
    const api = new PinterestClient({
        retry: { baseDelayMs: 1, maxDelayMs: 5 },
        random: () => 0,
        sleep: async (ms) => {
            waits.push(ms);
        },
        onRetry: (notice) => retries.push(notice),
        ...options,
    });
    return { api, waits, retries };
}
