import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An http subscription endpoint on 127.0.0.1 that keeps what moto's SNS delivers, so a test reads
 * a published message back. moto delivers to http(s) endpoints during Publish, without
 * MessageAttributes (it adds those only for SQS), and confirms the subscription itself: AWS first
 * POSTs a SubscriptionConfirmation the endpoint must confirm.
 */

export interface SnsDelivery {
  readonly Type: string;
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Subject?: string;
  readonly Message: string;
}

export interface SnsSubscriber {
  /** The value for Subscribe's `Endpoint` (protocol `http`). */
  readonly endpoint: string;
  readonly deliveries: readonly SnsDelivery[];
  readonly deliveryOf: (messageId: string | null) => SnsDelivery | undefined;
  readonly close: () => Promise<void>;
}

/** Starts the endpoint; it answers each delivery once its body is read. */
export async function startSnsSubscriber(): Promise<SnsSubscriber> {
  const deliveries: SnsDelivery[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      deliveries.push(JSON.parse(body) as SnsDelivery);
      response.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sns`,
    deliveries,
    deliveryOf: (messageId) => deliveries.find((delivery) => delivery.MessageId === messageId),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
