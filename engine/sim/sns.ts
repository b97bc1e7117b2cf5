import type {
  GetTopicAttributesCommandInput,
  GetTopicAttributesCommandOutput,
  PublishCommandInput,
  PublishCommandOutput,
} from '@aws-sdk/client-sns';
import { uuidFrom } from './ids.js';
import { fail } from './sdk-errors.js';
import type { CallContext, SimWorld } from './world.js';

/**
 * SNS: the notification topic exists and keeps every published message. Publish checks what
 * the real service checks and a notifier most easily gets wrong: the Subject must be ASCII,
 * at most 100 characters, without line breaks or control characters; the message at most 256 KB.
 */

export interface PublishedMessage {
  readonly time: string;
  readonly topicArn: string;
  readonly subject: string | null;
  readonly message: string;
  readonly messageId: string;
}

const MAX_SUBJECT = 100;
const MAX_MESSAGE_BYTES = 262_144;
const invalid = (what: string) => fail('InvalidParameterException', 400, `Invalid parameter: ${what}`);

export class SimulatedSns {
  private readonly topics: ReadonlySet<string>;
  private readonly published: PublishedMessage[] = [];

  public constructor(
    private readonly world: SimWorld,
    topicArns: readonly string[],
  ) {
    this.topics = new Set(topicArns);
  }

  public readonly operations = {
    Publish: (input: PublishCommandInput, call: CallContext) => this.publish(input, call),
    GetTopicAttributes: (input: GetTopicAttributesCommandInput, call: CallContext) =>
      this.attributes(input, call),
  };

  /** Every message published so far, in order. */
  public messages(): readonly PublishedMessage[] {
    return this.published;
  }

  private topic(arn: string | undefined, region: string): string {
    if (arn === undefined || !arn.startsWith('arn:')) throw invalid('TopicArn');
    // A topic ARN of another region cannot be reached through this region's endpoint.
    if (arn.split(':')[3] !== region) throw invalid('TopicArn');
    if (!this.topics.has(arn)) throw fail('NotFoundException', 404, 'Topic does not exist');
    return arn;
  }

  private publish(input: PublishCommandInput, call: CallContext): Omit<PublishCommandOutput, '$metadata'> {
    const topicArn = this.topic(input.TopicArn ?? input.TargetArn, call.region);
    const subject = input.Subject;
    // Printable ASCII, not starting with a space: SNS rejects line breaks, control characters, non-ASCII.
    if (
      subject !== undefined &&
      (subject.length > MAX_SUBJECT || !/^[\x21-\x7e][\x20-\x7e]*$/.test(subject))
    ) {
      throw invalid('Subject');
    }
    if (input.Message === undefined || input.Message === '') throw invalid('Empty message');
    if (Buffer.byteLength(input.Message, 'utf8') > MAX_MESSAGE_BYTES) throw invalid('Message too long');
    const messageId = uuidFrom(`message:${this.published.length + 1}:${topicArn}`);
    this.published.push({
      time: new Date(call.now).toISOString(),
      topicArn,
      subject: subject ?? null,
      message: input.Message,
      messageId,
    });
    return { MessageId: messageId };
  }

  private attributes(
    input: GetTopicAttributesCommandInput,
    call: CallContext,
  ): Omit<GetTopicAttributesCommandOutput, '$metadata'> {
    const topicArn = this.topic(input.TopicArn, call.region);
    return {
      Attributes: {
        TopicArn: topicArn,
        Owner: this.world.accountId,
        DisplayName: '',
        SubscriptionsConfirmed: '1',
        SubscriptionsPending: '0',
        SubscriptionsDeleted: '0',
        EffectiveDeliveryPolicy: JSON.stringify({
          http: { defaultHealthyRetryPolicy: { minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3 } },
        }),
      },
    };
  }
}
