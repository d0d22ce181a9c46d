import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PinterestClient } from '../../src/pinterest/client.js';

/** A stand-in for Pinterest answering POST /pins with 201 and a body whose fields have unexpected shapes. */
let server: Server;
let baseUrl: string;

beforeAll(async () => {
    server = createServer((request, response) => {
        request.resume();
        request.on('end', () => {
            response.writeHead(201, { 'content-type': 'application/json' });
            response.end(JSON.stringify({ id: '813744226420795999', title: 42, media: 'not an object', created_at: ['?'] }));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v5`;
});

afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

describe('createPin', () => {
    it('takes a 201 that carries an id as a created pin, however odd the rest of the answer is', async () => {
        const client = new PinterestClient({ baseUrl, tokens: { getAccessToken: async () => 'pina_test' } });
        const pin = await client.createPin({ board_id: '549755885175', title: 'Odd answer', media_source: { source_type: 'image_url', url: 'https://example.com/a.jpg' } });
        expect(pin).toEqual({ id: '813744226420795999', board_id: '549755885175', title: 'Odd answer', description: undefined, link: undefined });
    });
});
