import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FailoverReport } from './failover-report.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { readTrend, type TrendRow } from './trend.js';

/** Where reports go unless `--report-dir` says otherwise (git-ignored). */
export const DEFAULT_REPORT_DIR = 'reports';

export interface WrittenReport {
  readonly markdownPath: string;
  readonly jsonPath: string;
  readonly htmlPath: string;
  /** Set when `<execution-name>.*` was taken and the report went to a numbered name instead. */
  readonly renamedFrom: string | null;
  /** The trend rendered (earlier drills of the plan and this run); empty without an earlier one. */
  readonly trend: readonly TrendRow[];
}

/** An execution name as a file name: Step Functions names are already safe; local ones too. */
const fileStem = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, '_');

const EXTENSIONS = ['md', 'json', 'html'] as const;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** `<stem>`, else `<stem>-2`, `<stem>-3`…: the first whose three files are all free. */
async function freeStem(dir: string, stem: string): Promise<string> {
  for (let n = 1; ; n += 1) {
    const candidate = n === 1 ? stem : `${stem}-${n}`;
    const taken = await Promise.all(EXTENSIONS.map((ext) => exists(join(dir, `${candidate}.${ext}`))));
    if (!taken.some(Boolean)) return candidate;
  }
}

/**
 * Writes `<dir>/<execution-name>.md`, `.html` and the JSON sibling with the same facts. A name
 * already taken (the same replay twice, a report fetched again) is never overwritten: the files
 * get the next free `-<n>` suffix and `renamedFrom` says so. The Markdown and HTML carry the
 * trend across the plan's earlier reports in `dir`.
 */
export async function writeReport(report: FailoverReport, dir = DEFAULT_REPORT_DIR): Promise<WrittenReport> {
  await mkdir(dir, { recursive: true });
  const wanted = fileStem(report.executionName);
  const trend = await readTrend(report, dir);
  const stem = await freeStem(dir, wanted);
  const base = join(dir, stem);
  const written: WrittenReport = {
    markdownPath: `${base}.md`,
    jsonPath: `${base}.json`,
    htmlPath: `${base}.html`,
    renamedFrom: stem === wanted ? null : join(dir, wanted),
    trend,
  };
  // `wx`: fail rather than overwrite a file that appeared since the check.
  await writeFile(written.jsonPath, `${JSON.stringify(report, null, 2)}\n`, { encoding: 'utf8', flag: 'wx' });
  await writeFile(written.markdownPath, renderMarkdown(report, trend), { encoding: 'utf8', flag: 'wx' });
  await writeFile(written.htmlPath, renderHtml(report, trend), { encoding: 'utf8', flag: 'wx' });
  return written;
}
