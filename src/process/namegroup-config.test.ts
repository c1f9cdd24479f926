import { describe, expect, it } from 'vitest'
import { NamegroupConfigError, matchName, parseNamegroupConfig } from './namegroup-config.ts'
import type { MatchInput } from './namegroup-config.ts'

const CONFIG = `
process_names:
  - comm:
    - bash
  - exe:
    - /usr/local/bin/prometheus
    name: "prom-{{.ExeBase}}"
  - exe: [postgres]
    name: "{{.ExeFull}}"
  - name: "{{.Matches.Script}}"
    cmdline:
    - python3?
    - '(?P<Script>[\\w-]+)\\.py'
  - name: "{{.Matches}}"
    cmdline: ['redis']
  - name: "{{.Username}}:{{.Comm}}"
    cmdline: ['.+']
`

const proc = (comm: string, argv: string[], username = 'root'): MatchInput => ({ comm, argv, cmdline: argv.join(' '), username })

describe('process-exporter config', () => {
  const config = parseNamegroupConfig(CONFIG, 'pe.yml')

  it.each([
    [proc('bash', ['-bash']), '-bash'], // default name {{.ExeBase}}: basename of argv[0]
    [proc('prometheus', ['/usr/local/bin/prometheus', '--config.file=x']), 'prom-prometheus'],
    [proc('prometheus', ['/opt/prometheus', '--config.file=x']), 'root:prometheus'],
    [proc('postgres', ['/usr/lib/postgresql/15/bin/postgres', '-D', '/data']), '/usr/lib/postgresql/15/bin/postgres'],
    [proc('python3', ['python3', 'train-llm.py', '--epochs', '3']), 'train-llm'],
    [proc('redis-server', ['/usr/bin/redis-server *:6379']), 'map[:redis]'],
    [proc('sleep', ['sleep', '1'], 'alice'), 'alice:sleep'],
    [proc('kworker/0:1', []), undefined],
  ])('names %j as %j', (input, want) => {
    expect(matchName(config, input)).toBe(want)
  })

  it.each([
    ['process_names: [{name: "{{.PID}}", comm: [x]}]', /PID/],
    ['process_names: [{name: "{{.StartTime}}", comm: [x]}]', /StartTime/],
    ['process_names: [{name: "x"}]', /at least one of/],
    ['process_names: [{comm: []}]', /non-empty list/],
    ['process_names: [{cmdline: ["("]}]', /invalid regular expression/],
    ['process_names: [{comm: [x], user: [y]}]', /unknown key/],
    ['process_names: [{name: "{{if .Comm}}x{{end}}", comm: [x]}]', /only plain/],
    ['names: []', /process_names/],
    ['process_names: [x', /invalid YAML/],
  ])('rejects %j', (text, message) => {
    expect(() => parseNamegroupConfig(text, 'pe.yml')).toThrowError(NamegroupConfigError)
    expect(() => parseNamegroupConfig(text, 'pe.yml')).toThrowError(message)
  })
})
