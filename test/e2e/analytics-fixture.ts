import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync, crc32 } from 'node:zlib';

import type { PinterestEmulator } from '../emulator/index.js';
import { ALL_SCOPES } from './fixture.js';

const DAY_MS = 86_400_000;

/** A solid-colour PNG (8×8), made here so the test needs no image files. */
export function solidPng(rgb: [number, number, number]): Buffer {
    const chunk = (type: string, data: Buffer) => {
        const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
        const length = Buffer.alloc(4);
        length.writeUInt32BE(data.length);
        const crc = Buffer.alloc(4);
        crc.writeUInt32BE(crc32(body));
        return Buffer.concat([length, body, crc]);
    };
    const header = Buffer.alloc(13);
    header.writeUInt32BE(8, 0);
    header.writeUInt32BE(8, 4);
    header.set([8, 2, 0, 0, 0], 8);
    const row = Buffer.from([0, ...Array.from({ length: 8 }, () => rgb).flat()]);
    const pixels = Buffer.concat(Array.from({ length: 8 }, () => row));
    return Buffer.concat([
        Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
        chunk('IHDR', header),
        chunk('IDAT', deflateSync(pixels)),
        chunk('IEND', Buffer.alloc(0)),
    ]);
}

/** Pin images served on 127.0.0.1, so the report's thumbnails are fetched without leaving the machine. */
export async function startImageServer(): Promise<{ url: (name: string) => string; hits: () => number; close: () => Promise<void> }> {
    let hits = 0;
    const server: Server = createServer((request, response) => {
        hits += 1;
        const seed = Number(/(\d+)/.exec(request.url ?? '')?.[1] ?? 0);
        response.writeHead(200, { 'content-type': 'image/png' });
        response.end(solidPng([(seed * 37) % 256, (seed * 91) % 256, 180]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: (name) => `http://127.0.0.1:${port}/${name}.png`,
        hits: () => hits,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}

export interface AnalyticsAccount {
    token: string;
    appId: string;
    userId: string;
    boardId: string;
    pinIds: string[];
}

/**
 * A user with `pins` pins made long ago (so every day of the last 90 has data), their images on the local image
 * server, and `videoPins` of them turned into video pins.
 */
export function seedAnalyticsAccount(
    emulator: PinterestEmulator,
    images: { url: (name: string) => string },
    { pins, videoPins = 0, username = 'analyticsfan' }: { pins: number; videoPins?: number; username?: string },
): AnalyticsAccount {
    const app = emulator.state.createApp({});
    const userId = emulator.state.createUser({ username, accountType: 'BUSINESS' }).id;
    const token = emulator.state.issueTokens({ userId, appId: app.appId, scopes: ALL_SCOPES }).accessToken;
    const boardId = emulator.state.createBoard(userId, { name: 'Garden ideas' }).id;
    const titles = [
        'Raised bed layout',
        'Herb spiral',
        'Balcony tomatoes',
        'Compost in 30 days',
        'Shade perennials',
        'Drip irrigation',
        'Seed starting',
    ];
    const created = emulator.state.createPins(boardId, pins, (index) => ({
        title: `${titles[index % titles.length]} ${index + 1}`,
        created_at: Date.now() - 400 * DAY_MS,
    }));
    for (const [index, pin] of created.entries()) {
        const record = emulator.state.pinRecord(pin.id);
        if (!record) continue;
        const image = { width: 600, height: 900, url: images.url(`pin-${index}`) };
        // Pinterest also lists the crops the board list takes its cover and thumbnails from.
        const sizes = {
            '150x150': { width: 150, height: 150, url: image.url },
            '400x300': { width: 400, height: 300, url: image.url },
            '600x': image,
        };
        (record as { media: unknown }).media =
            index < videoPins ? { media_type: 'video', cover_image_url: image.url, images: sizes } : { media_type: 'image', images: sizes };
    }
    return { token, appId: app.appId, userId, boardId, pinIds: created.map((pin) => pin.id) };
}

export const utcDate = (offsetDays: number, now = Date.now()) =>
    new Date((Math.floor(now / DAY_MS) + offsetDays) * DAY_MS).toISOString().slice(0, 10);
