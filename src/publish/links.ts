/**
 * The link text that decides "same link": trimmed; for a parseable http(s) URL, scheme and host lower-cased,
 * default port and `#fragment` dropped, and an empty path written as `/`. Path and query keep their case, since
 * servers may treat them as case-sensitive, and `www.` is kept, since it can be a different site.
 * Undefined for no link or a blank one.
 */
export function normalizeLink(link: string | undefined): string | undefined {
    const trimmed = link?.trim();
    if (!trimmed) return undefined;
    if (!/^https?:\/\//i.test(trimmed) || !URL.canParse(trimmed)) return trimmed;
    const url = new URL(trimmed);
    url.hash = '';
    return url.href;
}
