import { describe, expect, it } from 'vitest';

import { apiBaseUrl } from '../../src/run/connect.js';

describe('apiBaseUrl', () => {
    it('follows the environment', () => {
        expect(apiBaseUrl('production', {})).toBe('https://api.pinterest.com/v5');
        expect(apiBaseUrl('sandbox', {})).toBe('https://api-sandbox.pinterest.com/v5');
    });

    it('lets PINTEREST_API_BASE_URL override both, without a trailing slash', () => {
        expect(apiBaseUrl('production', { PINTEREST_API_BASE_URL: 'http://127.0.0.1:8080/v5/' })).toBe('http://127.0.0.1:8080/v5');
        expect(apiBaseUrl('sandbox', { PINTEREST_API_BASE_URL: ' http://127.0.0.1:8080/v5 ' })).toBe('http://127.0.0.1:8080/v5');
        expect(apiBaseUrl('sandbox', { PINTEREST_API_BASE_URL: '' })).toBe('https://api-sandbox.pinterest.com/v5');
    });

    it('rejects an override that is not an http(s) URL, saying how to fix it', () => {
        expect(() => apiBaseUrl('production', { PINTEREST_API_BASE_URL: 'ftp://example.com' })).toThrow(
            /PINTEREST_API_BASE_URL must be an http\(s\) URL.*fix or unset it/,
        );
    });
});
