/**
 * What the bundle holds in place of every package scripts/build.mjs leaves out (LEFT_OUT, through esbuild's
 * `alias`): the SDK loads them at start-up for features this Actor never uses. One module stands in for all of
 * them, so it exports what each package's importers read; the export names differ between the packages, so each
 * export knows which package it stands for and says so when it is used.
 */

const leftOut = (what) => () => {
    throw new Error(`${what} is left out of this Actor's bundle (scripts/build.mjs), because the Actor never uses it.`);
};

/** cheerio: Crawlee's HTML helpers (social handles, Open Graph, html-to-text) call `load`. */
export const load = leftOut('cheerio.load');

/** tldts: Crawlee's same-domain link filters and tough-cookie's cookie jar call `getDomain`. */
export const getDomain = leftOut('tldts.getDomain');

/** http2-wrapper: got (and got-scraping) read its default export's `auto` and `globalAgent` for `http2: true`. */
export default {
    get auto() {
        return leftOut('http2-wrapper.auto')();
    },
    get globalAgent() {
        return leftOut('http2-wrapper.globalAgent')();
    },
};
