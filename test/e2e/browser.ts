import { existsSync } from 'node:fs';

import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium, which the report tests open the analytics reports in. Under CI it must be there (.ci/run
 * installs it); elsewhere those tests are skipped without it.
 */
const CHROMIUM = '/usr/bin/chromium';

export const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium package (see .ci/run).`);

export async function launchBrowser(): Promise<Browser> {
    return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}
