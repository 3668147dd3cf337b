/**
 * First-boot script of a microblog instance (Amazon Linux 2023): Python, nginx in front of
 * gunicorn on :5000, and the systemd unit `microblog` that runs the current release. Releases
 * themselves arrive through the SSM Command document (ssm-documents/release-systemd-service.yaml),
 * which unpacks them under <appDirectory>/releases/<sha> with their own venv and points
 * <appDirectory>/current at the live one. Every value below comes from validated configuration.
 */
import type { Ec2SsmTarget } from '../../functions/commons/config/schema';

/** The systemd unit: gunicorn of the current release, as the unprivileged service user. */
export function systemdUnit(target: Pick<Ec2SsmTarget, 'service' | 'appDirectory'>): string {
  return [
    '[Unit]',
    `Description=${target.service} (Flask app under gunicorn)`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    `User=${target.service}`,
    `Group=${target.service}`,
    `WorkingDirectory=${target.appDirectory}/current`,
    'Environment=FLASK_APP=microblog.py',
    `EnvironmentFile=-${target.appDirectory}/shared/.env`,
    `ExecStart=${target.appDirectory}/current/venv/bin/gunicorn -b :5000 -w 4 microblog:app`,
    'Restart=always',
    'RestartSec=3',
    'NoNewPrivileges=true',
    'ProtectSystem=full',
    'PrivateTmp=true',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** nginx site: port 80 to gunicorn on 127.0.0.1:5000. */
export const NGINX_SITE = [
  'server {',
  '    listen 80 default_server;',
  '    server_name _;',
  '    client_max_body_size 10m;',
  '    location / {',
  '        proxy_pass http://127.0.0.1:5000;',
  '        proxy_set_header Host $host;',
  '        proxy_set_header X-Real-IP $remote_addr;',
  '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
  '        proxy_set_header X-Forwarded-Proto $scheme;',
  '    }',
  '}',
  '',
].join('\n');

/** Shell lines for the instance's user data (run once as root by cloud-init). */
export function microblogUserData(
  target: Pick<Ec2SsmTarget, 'service' | 'appDirectory'>,
  pythonVersion: string,
): string[] {
  const unitPath = `/etc/systemd/system/${target.service}.service`;
  return [
    'set -euxo pipefail',
    `dnf install -y python${pythonVersion} python${pythonVersion}-pip nginx tar gzip util-linux`,
    `id -u ${target.service} >/dev/null 2>&1 || useradd --system --home-dir ${target.appDirectory} --shell /sbin/nologin ${target.service}`,
    `mkdir -p ${target.appDirectory}/releases ${target.appDirectory}/shared`,
    `chown -R ${target.service}:${target.service} ${target.appDirectory}`,
    `cat > ${unitPath} <<'UNIT'`,
    systemdUnit(target).trimEnd(),
    'UNIT',
    "cat > /etc/nginx/conf.d/microblog.conf <<'NGINX'",
    NGINX_SITE.trimEnd(),
    'NGINX',
    'systemctl daemon-reload',
    `systemctl enable ${target.service}`,
    'systemctl enable --now nginx',
    'systemctl enable --now amazon-ssm-agent',
  ];
}
