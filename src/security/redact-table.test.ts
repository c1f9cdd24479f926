import { describe, expect, it } from 'vitest'
import { LOG_CMDLINE_MAX, REDACTED, redactArgv, redactCommandLine } from './redact.ts'

const R = REDACTED

/** [tool, argv, redacted argv]: shapes drawn from each tool's documented flags. */
const SECRETS: readonly (readonly [string, readonly string[], readonly string[]])[] = [
  ['mysql', ['mysql', '-uroot', '-phunter2', 'db'], ['mysql', '-uroot', `-p${R}`, 'db']],
  ['mysql', ['mysql', '--user=root', '--password=hunter2'], ['mysql', '--user=root', `--password=${R}`]],
  ['mysqldump', ['mysqldump', '-p', 'hunter2', 'db'], ['mysqldump', '-p', R, 'db']],
  ['psql', ['psql', 'host=db user=app password=hunter2 dbname=app'], ['psql', `host=db user=app password=${R} dbname=app`]],
  ['psql', ['sh', '-c', 'PGPASSWORD=hunter2 psql -h db -U app'], ['sh', '-c', `PGPASSWORD=${R} psql -h db -U app`]],
  ['psql', ['psql', 'postgres://app:p@ssw0rd@db:5432/app'], ['psql', `postgres://app:${R}@db:5432/app`]],
  ['redis-cli', ['redis-cli', '-ahunter2', 'ping'], ['redis-cli', `-a${R}`, 'ping']],
  ['redis-cli', ['redis-cli', '-a', 'x', 'ping'], ['redis-cli', '-a', R, 'ping']],
  ['redis-cli', ['redis-cli', '-h', 'cache', 'AUTH', 'default', 'hunter2'], ['redis-cli', '-h', 'cache', 'AUTH', 'default', R]],
  ['redis-cli', ['redis-cli', 'CONFIG', 'SET', 'requirepass', 'hunter2'], ['redis-cli', 'CONFIG', 'SET', 'requirepass', R]],
  ['redis-cli', ['redis-cli', '--pass', 'hunter2'], ['redis-cli', '--pass', R]],
  ['curl', ['curl', '-u', 'user:pass', 'https://x'], ['curl', '-u', `user:${R}`, 'https://x']],
  ['curl', ['curl', '-uuser:pass', 'https://x'], ['curl', `-uuser:${R}`, 'https://x']],
  ['curl', ['curl', '--user=user:pass', 'https://x'], ['curl', `--user=user:${R}`, 'https://x']],
  ['curl', ['curl', '-U', 'proxy:pass', 'https://x'], ['curl', '-U', `proxy:${R}`, 'https://x']],
  ['curl', ['curl', '-H', 'Authorization: Basic dXNlcjpwYXNz', 'https://x'], ['curl', '-H', `Authorization: Basic ${R}`, 'https://x']],
  ['curl', ['curl', '-H', 'X-Vault-Token: s.abcdef123456', 'https://vault:8200/v1/secret/x'], ['curl', '-H', `X-Vault-Token: ${R}`, 'https://vault:8200/v1/secret/x']],
  ['curl', ['curl', '-H', 'X-Vault-Token:s.abcdef123456', 'https://x'], ['curl', '-H', `X-Vault-Token:${R}`, 'https://x']],
  ['curl', ['curl', '--oauth2-bearer', 'abc123', 'https://x'], ['curl', '--oauth2-bearer', R, 'https://x']],
  ['curl', ['sh', '-c', "curl -H 'X-Auth-Token: abc' -H 'PRIVATE-TOKEN: def' https://x"], ['sh', '-c', `curl -H 'X-Auth-Token: ${R}' -H 'PRIVATE-TOKEN: ${R}' https://x`]],
  ['wget', ['wget', '--user=bob', '--password=hunter2', 'ftp://x'], ['wget', '--user=bob', `--password=${R}`, 'ftp://x']],
  [
    'wget',
    ['wget', '--http-password', 'hunter2', '--header=Authorization: Bearer abc', 'https://x'],
    ['wget', '--http-password', R, `--header=Authorization: Bearer ${R}`, 'https://x'],
  ],
  ['aws', ['aws', 'configure', 'set', 'aws_secret_access_key', 'X'], ['aws', 'configure', 'set', 'aws_secret_access_key', R]],
  ['aws', ['aws', 'configure', 'set', 'default.aws_session_token', 'IQoJb3JpZ2lu'], ['aws', 'configure', 'set', 'default.aws_session_token', R]],
  ['aws', ['sh', '-c', 'AWS_SECRET_ACCESS_KEY=abc/def aws s3 ls'], ['sh', '-c', `AWS_SECRET_ACCESS_KEY=${R} aws s3 ls`]],
  [
    'gcloud',
    ['gcloud', 'sql', 'users', 'set-password', 'root', '--instance=db', '--password=hunter2'],
    ['gcloud', 'sql', 'users', 'set-password', 'root', '--instance=db', `--password=${R}`],
  ],
  ['gcloud', ['gcloud', 'config', 'set', 'auth/access_token', 'ya29.abc'], ['gcloud', 'config', 'set', 'auth/access_token', R]],
  [
    'az',
    ['az', 'login', '--service-principal', '-u', 'app-id', '-p', 'hunter2', '--tenant', 't'],
    ['az', 'login', '--service-principal', '-u', 'app-id', '-p', R, '--tenant', 't'],
  ],
  ['az', ['az', 'storage', 'blob', 'list', '--account-key', 'abc==', '-c', 'x'], ['az', 'storage', 'blob', 'list', '--account-key', R, '-c', 'x']],
  ['az', ['az', 'storage', 'blob', 'list', '--sas-token', 'sv=2020&sig=abc'], ['az', 'storage', 'blob', 'list', '--sas-token', R]],
  ['az', ['az', 'storage', 'blob', 'list', '--connection-string', 'AccountName=x;AccountKey=abc=='], ['az', 'storage', 'blob', 'list', '--connection-string', R]],
  ['kubectl', ['kubectl', '--token', 'abc', 'get', 'pods'], ['kubectl', '--token', R, 'get', 'pods']],
  ['kubectl', ['kubectl', '--token=abc', 'get', 'pods'], ['kubectl', `--token=${R}`, 'get', 'pods']],
  ['kubectl', ['kubectl', 'create', 'secret', 'generic', 's', '--from-literal=db=hunter2'], ['kubectl', 'create', 'secret', 'generic', 's', `--from-literal=db=${R}`]],
  ['kubectl', ['kubectl', 'config', 'set-credentials', 'bob', '--password=hunter2'], ['kubectl', 'config', 'set-credentials', 'bob', `--password=${R}`]],
  ['docker login', ['docker', 'login', '-p', 'hunter2', 'registry'], ['docker', 'login', '-p', R, 'registry']],
  ['docker login', ['docker', 'login', '--password', 'hunter2', '-u', 'bob'], ['docker', 'login', '--password', R, '-u', 'bob']],
  ['docker login', ['docker', 'login', '--password=hunter2'], ['docker', 'login', `--password=${R}`]],
  ['openssl', ['openssl', 'enc', '-aes-256-cbc', '-k', 'hunter2', '-in', 'f'], ['openssl', 'enc', '-aes-256-cbc', '-k', R, '-in', 'f']],
  ['openssl', ['openssl', 'enc', '-d', '-pass', 'pass:hunter2'], ['openssl', 'enc', '-d', '-pass', `pass:${R}`]],
  ['openssl', ['openssl', 'pkcs12', '-passin', 'pass:x', '-passout', 'pass:y'], ['openssl', 'pkcs12', '-passin', `pass:${R}`, '-passout', `pass:${R}`]],
  ['openssl', ['openssl', 'enc', '-K', '00112233', '-iv', '0'], ['openssl', 'enc', '-K', R, '-iv', '0']],
  ['htpasswd', ['htpasswd', '-b', '/etc/nginx/htpasswd', 'user', 'pass'], ['htpasswd', '-b', '/etc/nginx/htpasswd', 'user', R]],
  ['htpasswd', ['htpasswd', '-cbB', 'f', 'user', 'pass'], ['htpasswd', '-cbB', 'f', 'user', R]],
  ['htpasswd', ['htpasswd', '-nb', 'user', 'pass'], ['htpasswd', '-nb', 'user', R]],
  ['sshpass', ['sshpass', '-p', 'hunter2', 'ssh', 'host'], ['sshpass', '-p', R, 'ssh', 'host']],
  ['sshpass', ['sshpass', '-phunter2', 'ssh', 'host'], ['sshpass', `-p${R}`, 'ssh', 'host']],
  ['vault', ['vault', 'login', 's.abcdef123456'], ['vault', 'login', R]],
  ['vault', ['vault', 'login', '-method=userpass', 'username=bob', 'password=hunter2'], ['vault', 'login', '-method=userpass', 'username=bob', `password=${R}`]],
  ['vault', ['vault', 'kv', 'put', 'secret/db', 'value=hunter2', 'user=app'], ['vault', 'kv', 'put', 'secret/db', `value=${R}`, `user=${R}`]],
  ['vault', ['vault', 'write', 'auth/approle/login', 'role_id=r', 'secret_id=s'], ['vault', 'write', 'auth/approle/login', `role_id=${R}`, `secret_id=${R}`]],
  ['JSON argument', ['agent', '{"HOME":"/root","STRIPE_KEY":"sk_x","KEY":"v1","LANG":"C"}'], ['agent', `{"HOME":"/root","STRIPE_KEY":"${R}","KEY":"${R}","LANG":"C"}`]],
  [
    'JSON argument',
    ['app', '--env', '[{"name": "DB_PASSWORD", "value": "hunter2"}, {"name": "PORT", "value": "80"}]'],
    ['app', '--env', `[{"name": "DB_PASSWORD", "value": "${R}"}, {"name": "PORT", "value": "80"}]`],
  ],
  ['JSON argument', ['app', '{"Key": "api_token", "Value": "abc"}'], ['app', `{"Key": "api_token", "Value": "${R}"}`]],
  ['YAML argument', ['app', '--config', 'db:\n  user: app\n  password: hunter2\n  port: 5432'], ['app', '--config', `db:\n  user: app\n  password: ${R}\n  port: 5432`]],
  ['YAML argument', ['app', '{api_key: abc, region: eu}'], ['app', `{api_key: ${R}, region: eu}`]],
  ['YAML argument', ['helm', 'install', 'x', '--set-string', "auth: {token: 'abc'}"], ['helm', 'install', 'x', '--set-string', `auth: {token: '${R}'}`]],
  ['generic flag', ['app', '--password', '-dashsecret88'], ['app', '--password', R]],
  ['generic flag', ['sh', '-c', 'app --password -dashsecret88 --port 80'], ['sh', '-c', `app --password ${R} --port 80`]],
  ['generic flag', ['app', '--pw=hunter2', '--db-pw', 'x'], ['app', `--pw=${R}`, '--db-pw', R]],
  ['generic flag', ['app', '--pw='], ['app', `--pw=${R}`]],
  ['generic flag', ['app', '--key', 'hunter2', '--encryption-key=abc'], ['app', '--key', R, `--encryption-key=${R}`]],
  ['URL', ['app', 'https://user:p@ssw0rd@host/path'], ['app', `https://user:${R}@host/path`]],
  ['URL', ['git', 'clone', 'https://ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/o/r.git'], ['git', 'clone', `https://${R}@github.com/o/r.git`]],
  ['URL', ['git', 'clone', 'https://glc0a1b2c3d4e5f6g7h8i9j0@gitlab.example.com/o/r.git'], ['git', 'clone', `https://${R}@gitlab.example.com/o/r.git`]],
  ['URL', ['sh', '-c', 'pip install -i https://x-token:abc@pypi.example.com/simple pkg'], ['sh', '-c', `pip install -i https://x-token:${R}@pypi.example.com/simple pkg`]],
  ['token shapes', ['app', 'sk_live_abcdef1234567890', 'AIzaSyA1234567890abcdefghijklmnopqrstuv'], ['app', R, R]],
]

/** Near misses: ordinary arguments that look a little like secrets and must stay as they are. */
const ORDINARY: readonly (readonly [string, readonly string[]])[] = [
  ['ssh', ['ssh', '-p', '2222', 'admin@host']],
  ['nc', ['nc', '-l', '-p', '4444']],
  ['mysql', ['mysql', '-u', 'root', '-p', '-h', 'db']],
  ['curl', ['curl', '-sS', '-H', 'Content-Type: application/json', '-H', 'Accept: */*', 'https://api.example.com/v1/keys']],
  ['curl', ['curl', '--key', '/etc/ssl/client.key', '--cert', '/etc/ssl/client.crt', 'https://x']],
  ['git', ['git', 'clone', 'git@github.com:org/repo.git']],
  ['git', ['git', 'clone', 'https://bob@git.example.com/r.git']],
  ['git', ['git', 'config', '--global', 'credential.helper', 'store']],
  ['aws', ['aws', 'configure', 'set', 'region', 'eu-west-1']],
  ['aws', ['aws', 'dynamodb', 'query', '--partition-key', 'id', '--sort-key', 'ts']],
  ['aws', ['env', 'AWS_ACCESS_KEY_ID_FILE=/x', 'AWS_REGION=eu-west-1']],
  ['gcloud', ['gcloud', 'auth', 'activate-service-account', '--key-file=/etc/gcp/sa.json']],
  ['gcloud', ['gcloud', 'auth', 'print-access-token']],
  ['kubectl', ['kubectl', 'get', 'secrets', '-n', 'kube-system', '-o', 'yaml']],
  ['kubelet', ['kubelet', '--token-file=/var/run/t', '--authentication-token-webhook', '--authorization-mode=Webhook']],
  ['docker login', ['docker', 'login', '--password-stdin', '-u', 'bob', 'registry']],
  ['docker', ['docker', 'run', '-p', '8080:80', 'nginx']],
  ['openssl', ['openssl', 'req', '-new', '-key', '/etc/ssl/k.pem', '-passin', 'file:/run/pw', '-out', 'r.csr']],
  ['openssl', ['openssl', 'rsa', '-in', 'k.pem', '-passin', 'env:KEYPASS']],
  ['htpasswd', ['htpasswd', '-c', '/etc/nginx/htpasswd', 'user']],
  ['vault', ['vault', 'kv', 'get', 'secret/db']],
  ['redis-cli', ['redis-cli', '-h', 'cache', '-p', '6379', 'ping']],
  ['python', ['python3', '-m', 'http.server', '--directory', '/srv', '8000']],
  ['java', ['java', '-Dkeystore.type=PKCS12', '-jar', 'app.jar', '--server.port=8080']],
  ['app', ['app', '--no-password', '--skip-auth', 'serve']],
  ['app', ['app', '--auth-method', 'oidc', '--token-ttl', '1h', '--auth-url', 'https://id.example.com']],
  ['sh', ['sh', '-c', 'cd "$PWD" && OLDPWD=/tmp make -j4 KEYMAP=us']],
  ['JSON argument', ['app', '{"HOME": "/root", "PATH": "/usr/bin", "monkey": "banana", "keyboard": "us"}']],
  ['YAML argument', ['app', 'server:\n  host: auth.example.com\n  port: 443']],
  ['URL', ['app', 'https://auth.example.com:8443/token?x=1']],
]

describe('redaction by tool', () => {
  it.each(SECRETS)('%s: %j', (_tool, argv, want) => {
    expect(redactArgv(argv)).toEqual(want)
  })

  it.each(ORDINARY)('%s near miss stays: %j', (_tool, argv) => {
    expect(redactArgv(argv)).toEqual(argv)
  })

  it('never lets a secret word through any tested shape', () => {
    for (const [, argv] of SECRETS) {
      const line = redactCommandLine(argv, Number.POSITIVE_INFINITY)
      for (const secret of ['hunter2', 'dashsecret88', 'ssw0rd', 'abcdef123456', 'sk_x']) {
        expect(line).not.toContain(secret)
      }
    }
  })
})

describe('redacted command line in logs', () => {
  it(`is cut to ${LOG_CMDLINE_MAX} characters plus "..."`, () => {
    const line = redactCommandLine(['python3', '-c', 'x'.repeat(1500)])
    expect(LOG_CMDLINE_MAX).toBe(256)
    expect(line).toHaveLength(256 + 3)
    expect(line.endsWith('...')).toBe(true)
  })

  it('redacts before cutting, so a secret across the cut never shows half', () => {
    const argv = ['app', 'a'.repeat(230), '--password', 'hunter2hunter2hunter2']
    expect(redactCommandLine(argv)).toBe(`app ${'a'.repeat(230)} --password ${R}`)
  })
})
