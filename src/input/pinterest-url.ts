/**
 * Addresses users paste where an ID is asked for. A pin's page carries the pin's ID
 * (`https://www.pinterest.com/pin/813744226420795884/`, or `/pin/some-title--813744226420795884/`); a board's
 * (`/username/board-slug/`) and a section's (`/username/board-slug/section-slug/`) carry only names, and a
 * pin.it short link carries neither.
 */
export type PinterestUrl = { kind: 'pin'; id: string } | { kind: 'board' } | { kind: 'section' } | { kind: 'short-link' } | { kind: 'other' };

/** pinterest.com and its country sites: pinterest.de, pinterest.co.uk, pinterest.com.au, ... */
const PINTEREST_HOST = /(^|\.)pinterest\.[a-z]{2,3}(\.[a-z]{2})?$/i;

/** An http(s) address as the user wrote it (any case of the scheme), the way every URL field reads one. */
export const looksLikeUrl = (text: string) => /^https?:\/\//i.test(text.trim());

/** What kind of Pinterest address `text` is, or undefined when it is not an http(s) address at all. */
export function readPinterestUrl(text: string): PinterestUrl | undefined {
    if (!looksLikeUrl(text) || !URL.canParse(text.trim())) return undefined;
    const url = new URL(text.trim());
    if (/^pin\.it$/i.test(url.hostname)) return { kind: 'short-link' };
    if (!PINTEREST_HOST.test(url.hostname)) return { kind: 'other' };
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0]?.toLowerCase() === 'pin') {
        const id = /^(?:.*--)?(\d+)$/.exec(parts[1] ?? '')?.[1];
        return id ? { kind: 'pin', id } : { kind: 'other' };
    }
    if (parts.length === 2) return { kind: 'board' };
    if (parts.length === 3) return { kind: 'section' };
    return { kind: 'other' };
}

/** A pin's ID from its page's address; anything else comes back unchanged, for the ID check to judge. */
export function pinIdFromUrl(value: unknown): unknown {
    if (typeof value !== 'string') return value;
    const url = readPinterestUrl(value);
    return url?.kind === 'pin' ? url.id : value;
}

export type IdKind = 'board' | 'section' | 'pin';

/**
 * Why an address is not the ID `field` takes, in one sentence, or undefined when `text` is no address. Pin
 * addresses given for a pin ID never get here: they are read for their ID first (pinIdFromUrl).
 */
export function urlInsteadOfId(text: string, field: string, wanted?: IdKind): string | undefined {
    const url = readPinterestUrl(text);
    if (!url) return undefined;
    switch (wanted) {
        case 'board':
            if (url.kind === 'board') return `${field}: a board URL has no ID: use boardName, or list-boards to find the id`;
            if (url.kind === 'pin')
                return `${field} is the address of a pin, not of a board: give the board's ID (list-boards shows it) or its name in boardName`;
            break;
        case 'section':
            if (url.kind === 'section' || url.kind === 'board') {
                return `${field}: a board section URL has no ID in it: give the section's ID, the digits Pinterest's API lists for the board's sections`;
            }
            break;
        case 'pin':
            if (url.kind === 'short-link')
                return `${field}: a pin.it short link has no ID in it: open it and copy the address of the pin's page (…/pin/813744226420795884/)`;
            if (url.kind === 'board' || url.kind === 'section')
                return `${field}: that is a board's address, not a pin's: give pin IDs or pin page addresses (…/pin/813744226420795884/)`;
            break;
    }
    const hint =
        wanted === 'pin' ? ': a pin page address (…/pin/813744226420795884/) works too' : wanted === 'board' ? ': list-boards shows board IDs' : '';
    return `${field} must be an ID (digits), not an address${hint}`;
}

/**
 * The Console form's pattern for an ID field: digits, or any http(s) address, so that the platform's own check
 * lets an address through to the Actor, which then says what to give instead (or reads a pin's ID out of it).
 */
export const ID_OR_URL_PATTERN = '^(?:\\d+|[Hh][Tt][Tt][Pp][Ss]?://\\S+)$';
