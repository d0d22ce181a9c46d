import type { Log } from '../common/log.js';
import type { RunOutput } from '../output/run-output.js';
import type { ReportData } from './report/report.js';

export const REPORT_KEY = 'report.html';

/**
 * Builds and stores the report. The page builder and its charting library are loaded here, on demand, so other
 * modes never pay for them. The rows are already stored and charged, so a report that cannot be built is a
 * warning, not a failed run.
 */
export async function saveReport(context: { output: RunOutput; log: Log }, data: () => ReportData): Promise<{ saved: boolean; warning?: string }> {
    try {
        const { buildReport } = await import('./report/report.js');
        const html = await buildReport(data());
        await context.output.saveRecord(REPORT_KEY, html, 'text/html; charset=utf-8');
        return { saved: true };
    } catch (error) {
        const warning = `The report could not be built (${error instanceof Error ? error.message : String(error)}); the dataset is complete.`;
        context.log.warning(warning);
        return { saved: false, warning };
    }
}
