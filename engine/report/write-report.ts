import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FailoverReport } from './failover-report.js';
import { renderMarkdown } from './markdown.js';

/** Where reports go unless `--report-dir` says otherwise (git-ignored). */
export const DEFAULT_REPORT_DIR = 'reports';

export interface WrittenReport {
  readonly markdownPath: string;
  readonly jsonPath: string;
}

/** An execution name as a file name: Step Functions names are already safe; local ones too. */
const fileStem = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, '_');

/** Writes `<dir>/<execution-name>.md` and its JSON sibling with the same facts. */
export async function writeReport(report: FailoverReport, dir = DEFAULT_REPORT_DIR): Promise<WrittenReport> {
  await mkdir(dir, { recursive: true });
  const stem = join(dir, fileStem(report.executionName));
  const written = { markdownPath: `${stem}.md`, jsonPath: `${stem}.json` };
  await writeFile(written.markdownPath, renderMarkdown(report), 'utf8');
  await writeFile(written.jsonPath, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
  return written;
}
