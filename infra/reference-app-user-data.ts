import { UserData } from 'aws-cdk-lib/aws-ec2';

export interface AppServerUserDataProps {
  /** Region the servers run in (the app reports it, and reads its parameters there). */
  readonly region: string;
  /** Port Starman listens on; the ALB target group sends traffic and health checks here. */
  readonly port: number;
  /** SSM parameters the app reads at start, by environment variable name (e.g. SHOP_DB_HOST). */
  readonly parameters: Readonly<Record<string, string>>;
}

/**
 * Boots an Amazon Linux 2023 instance into a Perl PSGI app served by Starman: `/healthz` answers
 * 200 while the process is up (it does not touch the database, so a database failover does not
 * make Route 53 and the ALB pull every server at once), `/` shows which region and database it
 * uses. The endpoints come from SSM at each (re)start, which is how a failover's repointed
 * parameters reach the app: new instances, or `systemctl restart shop`.
 */
export function appServerUserData(props: AppServerUserDataProps): UserData {
  const fetches = Object.entries(props.parameters).map(
    ([variable, name]) =>
      `  echo "${variable}=$(aws ssm get-parameter --region ${props.region} --name '${name}' --query Parameter.Value --output text)"`,
  );
  const userData = UserData.forLinux();
  userData.addCommands(
    'set -euo pipefail',
    'dnf install -y perl perl-App-cpanminus gcc make',
    'cpanm --notest Plack Starman',
    'install -d -o root -g root -m 0755 /opt/shop',
    "cat > /opt/shop/refresh-config.sh <<'SCRIPT'",
    '#!/bin/bash',
    'set -euo pipefail',
    '{',
    `  echo "AWS_REGION=${props.region}"`,
    ...fetches,
    '} > /run/shop.env.new',
    'mv /run/shop.env.new /run/shop.env',
    'SCRIPT',
    'chmod 0755 /opt/shop/refresh-config.sh',
    "cat > /opt/shop/app.psgi <<'PSGI'",
    'use strict;',
    'use warnings;',
    'my $app = sub {',
    '    my ($env) = @_;',
    "    return [200, ['Content-Type' => 'text/plain'], [\"ok\\n\"]] if $env->{PATH_INFO} eq '/healthz';",
    "    my $body = sprintf(\"shop in %s, database %s\\n\", $ENV{AWS_REGION} // '?', $ENV{SHOP_DB_HOST} // '?');",
    "    return [200, ['Content-Type' => 'text/plain'], [$body]];",
    '};',
    '$app;',
    'PSGI',
    "cat > /etc/systemd/system/shop.service <<'UNIT'",
    '[Unit]',
    'Description=Shop PSGI app (Starman)',
    'Wants=network-online.target',
    'After=network-online.target',
    '[Service]',
    'ExecStartPre=+/opt/shop/refresh-config.sh',
    'EnvironmentFile=-/run/shop.env',
    `ExecStart=/usr/local/bin/starman --listen :${props.port} --workers 4 /opt/shop/app.psgi`,
    'DynamicUser=yes',
    'Restart=always',
    '[Install]',
    'WantedBy=multi-user.target',
    'UNIT',
    'systemctl daemon-reload',
    'systemctl enable --now shop.service',
  );
  return userData;
}
