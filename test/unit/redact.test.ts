import { describe, expect, it } from 'vitest';

import { redactSecrets, registerSecret } from '../../src/pinterest/redact.js';

describe('redactSecrets', () => {
    it('masks registered secrets wherever they appear', () => {
        registerSecret('my-app-secret-value');
        expect(redactSecrets('failed with my-app-secret-value inside')).toBe('failed with [redacted] inside');
    });

    it('masks anything shaped like a Pinterest token or an auth header', () => {
        expect(redactSecrets('token pina_AbC123.xyz rejected')).toBe('token [redacted] rejected');
        expect(redactSecrets('refresh pinr_zzz-1 gone')).toBe('refresh [redacted] gone');
        expect(redactSecrets('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [redacted]');
        expect(redactSecrets('Authorization: Basic dXNlcjpwYXNz')).toBe('Authorization: Basic [redacted]');
    });

    it('masks a registered secret in its URL-encoded form too', () => {
        registerSecret('s3cret/with+odd=chars');
        expect(redactSecrets('client_secret=s3cret%2Fwith%2Bodd%3Dchars&x=1')).toBe('client_secret=[redacted]&x=1');
    });

    it('leaves ordinary text alone and ignores very short registrations', () => {
        registerSecret('abc');
        expect(redactSecrets('abc pinning tips')).toBe('abc pinning tips');
    });
});
