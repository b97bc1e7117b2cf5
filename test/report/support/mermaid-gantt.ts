import mermaid from 'mermaid';

/** A gantt task as Mermaid's own gantt parser and database understand it. */
export interface ParsedGanttTask {
  readonly id: string;
  readonly name: string;
  readonly section: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly crit: boolean;
  readonly done: boolean;
  readonly active: boolean;
}

interface MermaidGanttTask {
  readonly id: string;
  readonly task: string;
  readonly section: string;
  readonly startTime: Date;
  readonly endTime: Date;
  readonly crit?: boolean;
  readonly done?: boolean;
  readonly active?: boolean;
}

/** The ```mermaid blocks of a Markdown document. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
}

/**
 * Parses a gantt with the `mermaid` package (its jison gantt grammar; @mermaid-js/parser has no
 * gantt). `mermaid.parse` throws on a syntax error; the diagram's database then gives the tasks
 * with the dates Mermaid computed, which is what a renderer would draw.
 */
export async function parseGantt(text: string): Promise<{ diagramType: string; tasks: ParsedGanttTask[] }> {
  const result = await mermaid.parse(text);
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as { getTasks(): MermaidGanttTask[] };
  return {
    diagramType: result.diagramType,
    tasks: db.getTasks().map((task) => ({
      id: task.id,
      name: task.task.trim(),
      section: task.section,
      startMs: task.startTime.getTime(),
      endMs: task.endTime.getTime(),
      crit: task.crit === true,
      done: task.done === true,
      active: task.active === true,
    })),
  };
}
