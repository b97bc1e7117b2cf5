import type { ArnScope, KindPermission } from './kind-definition.js';

/**
 * The SDK-free part of SSM Run Command that the self-hosted kinds share, for their definition.ts
 * (plan schema and IAM) and for infra: managed node ids, the names the construct gives the
 * documents, and the IAM that sending them needs. The Lambda side (SendCommand,
 * GetCommandInvocation, the runtime) is functions/kinds/run-command.ts, which imports the step
 * plumbing and so cannot be imported by a definition (the registry imports the definitions).
 */

/** A managed node id: a hybrid-activated server (`mi-…`) or an EC2 instance (`i-…`). */
export const MANAGED_NODE_PATTERN = /^(mi-[0-9a-f]{17}|i-[0-9a-f]{8}([0-9a-f]{9})?)$/;
export const MANAGED_NODE_MESSAGE =
  'must be an SSM managed node id: mi- and 17 hex digits (hybrid activation) or an EC2 instance id i-…';

/** The name the construct gives a kind's document for a plan (SSM: [a-zA-Z0-9_.-]{3,128}, not "aws…"). */
export const documentName = (planName: string, kind: string, document: string): string =>
  `Failover-${planName}-${kind}-${document}`;

const documentArn = (region: string, { partition, account }: ArnScope, name: string): string =>
  `arn:${partition}:ssm:${region}:${account}:document/${name}`;

/** The ARN SendCommand authorizes a node by: managed-instance for mi-, ec2 instance for i-. */
export const nodeArn = (region: string, { partition, account }: ArnScope, node: string): string =>
  node.startsWith('mi-')
    ? `arn:${partition}:ssm:${region}:${account}:managed-instance/${node}`
    : `arn:${partition}:ec2:${region}:${account}:instance/${node}`;

/**
 * The IAM a Run Command kind's function needs for a plan: SendCommand on exactly its documents
 * and the nodes it sends them to; GetCommandInvocation and DescribeInstanceInformation have no
 * resource-level permissions (Service Authorization Reference), so "*".
 */
export function runCommandPermissions(
  plan: { readonly name: string; readonly recoveryRegion: string },
  scope: ArnScope,
  kind: string,
  documents: readonly string[],
  nodes: readonly string[],
): KindPermission[] {
  if (nodes.length === 0) return [];
  const region = plan.recoveryRegion;
  return [
    {
      actions: ['ssm:SendCommand'],
      resources: [
        ...[...new Set(documents)].map((document) =>
          documentArn(region, scope, documentName(plan.name, kind, document)),
        ),
        ...[...new Set(nodes)].map((node) => nodeArn(region, scope, node)),
      ],
    },
    { actions: ['ssm:GetCommandInvocation', 'ssm:DescribeInstanceInformation'], resources: ['*'] },
  ];
}

/** The readiness check's read-only part: the gate's document and the nodes' ping status. */
export function runCommandReadinessPermissions(
  plan: { readonly name: string; readonly recoveryRegion: string },
  scope: ArnScope,
  kind: string,
  gateDocuments: readonly string[],
  nodes: readonly string[],
): KindPermission[] {
  return runCommandPermissions(plan, scope, kind, gateDocuments, nodes);
}
