import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';

/**
 * Follows a running execution: pages through its history (oldest first), hands over only the
 * events not seen before, and asks DescribeExecution whether it is still RUNNING, until it is
 * not or the caller aborts (Ctrl-C).
 */

export interface FollowOptions {
  readonly client: SFNClient;
  readonly executionArn: string;
  readonly pollIntervalMs: number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Called with each batch of new events, in order. */
  readonly onEvents: (events: readonly HistoryEvent[]) => void;
  /** Aborting stops following after the current call; the execution is left running. */
  readonly signal: AbortSignal;
}

export interface FollowResult {
  /** Every event seen, oldest first. */
  readonly events: readonly HistoryEvent[];
  /** The last DescribeExecution answer (undefined if the follow was stopped before one). */
  readonly description: DescribeExecutionCommandOutput | undefined;
  /** Stopped by the caller while the execution was still running. */
  readonly interrupted: boolean;
}

const PAGE_SIZE = 1000;

/**
 * The history reader keeps the token that fetched the last (partial) page: the next poll starts
 * there, so a long execution is not re-read from its first event every few seconds. Tokens
 * expire after 24 hours (InvalidToken); then it starts over and skips what it has seen.
 */
class HistoryReader {
  private resumeToken: string | undefined;
  private lastId = 0;
  public readonly events: HistoryEvent[] = [];

  public constructor(
    private readonly client: SFNClient,
    private readonly executionArn: string,
  ) {}

  /** Reads to the end of the history; returns the events not seen before. */
  public async readNew(): Promise<HistoryEvent[]> {
    try {
      return await this.readFrom(this.resumeToken);
    } catch (error) {
      if ((error as Error).name !== 'InvalidToken' || this.resumeToken === undefined) throw error;
      this.resumeToken = undefined;
      return this.readFrom(undefined);
    }
  }

  private async readFrom(start: string | undefined): Promise<HistoryEvent[]> {
    const fresh: HistoryEvent[] = [];
    let token = start;
    for (;;) {
      const page = await this.client.send(
        new GetExecutionHistoryCommand({
          executionArn: this.executionArn,
          reverseOrder: false,
          maxResults: PAGE_SIZE,
          ...(token === undefined ? {} : { nextToken: token }),
        }),
      );
      for (const event of page.events ?? []) {
        if ((event.id ?? 0) <= this.lastId) continue;
        this.lastId = event.id ?? this.lastId;
        fresh.push(event);
      }
      if (page.nextToken === undefined) break;
      token = page.nextToken;
    }
    this.resumeToken = token;
    this.events.push(...fresh);
    return fresh;
  }
}

export async function followExecution(options: FollowOptions): Promise<FollowResult> {
  const { client, executionArn, signal } = options;
  const reader = new HistoryReader(client, executionArn);
  let description: DescribeExecutionCommandOutput | undefined;
  const deliver = (events: readonly HistoryEvent[]) => {
    if (events.length > 0) options.onEvents(events);
  };
  while (!signal.aborted) {
    deliver(await reader.readNew());
    description = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (description.status !== 'RUNNING') {
      // Events written between the last history page and DescribeExecution.
      deliver(await reader.readNew());
      return { events: reader.events, description, interrupted: false };
    }
    await options.sleep(options.pollIntervalMs, signal);
  }
  return { events: reader.events, description, interrupted: true };
}

/** The whole history of an execution (any status), oldest first, in pages. */
export async function readHistory(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const reader = new HistoryReader(client, executionArn);
  await reader.readNew();
  return reader.events;
}
