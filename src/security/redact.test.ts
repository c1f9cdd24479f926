import { describe, expect, it } from 'vitest'
import { REDACTED, redactArgv, redactCommandLine } from './redact.ts'

const R = REDACTED

describe('redactArgv', () => {
  it.each([
    // flags with = and with a separate value
    [
      ['app', '--password=hunter2'],
      ['app', `--password=${R}`],
    ],
    [
      ['app', '--password', 'hunter2', '--port', '80'],
      ['app', '--password', R, '--port', '80'],
    ],
    [
      ['app', '--token=abc', '--db-passwd=x', '--client-secret', 'y'],
      ['app', `--token=${R}`, `--db-passwd=${R}`, '--client-secret', R],
    ],
    [
      ['app', '--api-key', 'k', '--apikey=k2', '--access-key=AK'],
      ['app', '--api-key', R, `--apikey=${R}`, `--access-key=${R}`],
    ],
    // values that are paths or switches stay
    [
      ['kubelet', '--token-file=/var/run/t', '--tls-private-key-file=/etc/k.key'],
      ['kubelet', '--token-file=/var/run/t', '--tls-private-key-file=/etc/k.key'],
    ],
    [
      ['docker', 'login', '--password-stdin', '-u', 'bob'],
      ['docker', 'login', '--password-stdin', '-u', 'bob'],
    ],
    [
      ['app', '--password', '--verbose'],
      ['app', '--password', '--verbose'],
    ],
    // -p after auth-like flags, and for password-taking tools
    [
      ['mysql', '-u', 'root', '-phunter2', 'db'],
      ['mysql', '-u', 'root', `-p${R}`, 'db'],
    ],
    [
      ['docker', 'login', '-u', 'bob', '-p', 'hunter2', 'registry'],
      ['docker', 'login', '-u', 'bob', '-p', R, 'registry'],
    ],
    [
      ['sshpass', '-p', 'hunter2', 'ssh', 'host'],
      ['sshpass', '-p', R, 'ssh', 'host'],
    ],
    [
      ['redis-cli', '-a', 'hunter2', 'ping'],
      ['redis-cli', '-a', R, 'ping'],
    ],
    [
      ['ssh', '-p', '2222', 'admin@host'],
      ['ssh', '-p', '2222', 'admin@host'],
    ],
    [
      ['nc', '-l', '-p', '4444'],
      ['nc', '-l', '-p', '4444'],
    ],
    // secrets inside inline JSON or dict config
    [
      ['agent', '--env', '{"HOME": "/root", "HF_TOKEN": "hf_abc123", "DB_PASSWORD":"p\\"w", "LANG": "C"}'],
      ['agent', '--env', `{"HOME": "/root", "HF_TOKEN": "${R}", "DB_PASSWORD":"${R}", "LANG": "C"}`],
    ],
    [
      ['python', '-c', "cfg = {'api_key': 'sk_live_1', 'token': 42, 'port': 80}"],
      ['python', '-c', `cfg = {'api_key': '${R}', 'token': ${R}, 'port': 80}`],
    ],
    [
      ['app', '{"token_file": "/var/run/t"}'],
      ['app', '{"token_file": "/var/run/t"}'],
    ],
    // KEY=value
    [
      ['env', 'DB_PASSWORD=hunter2', 'AWS_SECRET_ACCESS_KEY=abc/def', 'MODE=prod'],
      ['env', `DB_PASSWORD=${R}`, `AWS_SECRET_ACCESS_KEY=${R}`, 'MODE=prod'],
    ],
    [
      ['sh', '-c', 'export GITHUB_TOKEN=xyz; API_KEY="a b" ./run.sh --password=hunter2'],
      ['sh', '-c', `export GITHUB_TOKEN=${R}; API_KEY=${R} ./run.sh --password=${R}`],
    ],
    // URLs with credentials
    [
      ['git', 'clone', 'https://bob:hunter2@git.example.com/r.git'],
      ['git', 'clone', `https://bob:${R}@git.example.com/r.git`],
    ],
    [
      ['redis-server', 'redis://:hunter2@cache:6379/0'],
      ['redis-server', `redis://:${R}@cache:6379/0`],
    ],
    [
      ['psql', 'postgresql://app:hunter2@db/app'],
      ['psql', `postgresql://app:${R}@db/app`],
    ],
    // headers and curl -u
    [
      ['curl', '-H', 'Authorization: Bearer abc.def', 'https://x'],
      ['curl', '-H', `Authorization: Bearer ${R}`, 'https://x'],
    ],
    [
      ['curl', '-u', 'bob:hunter2', 'https://x'],
      ['curl', '-u', `bob:${R}`, 'https://x'],
    ],
    [
      ['sh', '-c', 'curl -sf -u admin:hunter2 http://localhost:9200/_cluster/health'],
      ['sh', '-c', `curl -sf -u admin:${R} http://localhost:9200/_cluster/health`],
    ],
    // token shapes anywhere
    [
      ['deploy', 'AKIAIOSFODNN7EXAMPLE', 'ghp_0123456789abcdefghijklmnopqrstuvwxyz'],
      ['deploy', R, R],
    ],
    [
      ['x', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghij'],
      ['x', R],
    ],
    // a setproctitle'd single-string command line
    [['myapp --password hunter2 --port 80'], [`myapp --password ${R} --port 80`]],
    // scripts with -u ... -p
    [
      ['sh', '-c', 'mysqldump -u root -phunter2 db > /backup/db.sql'],
      ['sh', '-c', `mysqldump -u root -p${R} db > /backup/db.sql`],
    ],
    // nothing to hide
    [
      ['kubelet', '--config=/var/lib/kubelet/config.yaml', '--node-ip=10.0.0.5'],
      ['kubelet', '--config=/var/lib/kubelet/config.yaml', '--node-ip=10.0.0.5'],
    ],
    [[], []],
  ])('%j', (argv, want) => {
    expect(redactArgv(argv)).toEqual(want)
  })

  it('never lets hunter2 through in any tested shape', () => {
    const shapes = [
      ['a', '--password=hunter2'],
      ['a', '--password', 'hunter2'],
      ['a', '-u', 'x', '-p', 'hunter2'],
      ['a', 'PASSWORD=hunter2'],
      ['a', 'http://u:hunter2@h'],
      ['sh', '-c', 'a --secret hunter2'],
      ['a', "--token='hunter2'"],
      ['a', '--Password=hunter2'],
    ]
    for (const argv of shapes) {
      expect(redactCommandLine(argv)).not.toContain('hunter2')
    }
  })

  it('cuts long command lines', () => {
    expect(redactCommandLine(['x', 'y'.repeat(5000)], 100)).toHaveLength(103)
  })
})
