// What bench/host.ts and bench/rss-soak.ts share: their command-line options and starting
// node_exporter, process-exporter or the agent on a free loopback port, ready to be scraped.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { binaryPath, ensureBinary, freePort, waitFor } from '../test/helpers/binary.ts'

/** `--name N` from the command line, or dflt. */
export const numberOption = (name: string, dflt: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || dflt

const binaryIndex = process.argv.indexOf('--binary')
/** The agent under test: `--binary PATH`, else dist/odin-agent. */
export const agentBinary = binaryIndex > 0 ? (process.argv[binaryIndex + 1] as string) : binaryPath

/** Builds dist/odin-agent when it is the binary under test and is stale. */
export async function ensureAgentBinary(): Promise<void> {
  if (binaryIndex < 0) {
    await ensureBinary()
  }
}

export type Peer = 'node_exporter' | 'process-exporter' | 'odin-agent'

/** Debian's prometheus-process-exporter, where installed. */
export const PROCESS_EXPORTER = '/usr/bin/prometheus-process-exporter'
export const hasProcessExporter = () => existsSync(PROCESS_EXPORTER)

/**
 * process-exporter doing the work namedprocess does by default: every process grouped by
 * comm, children in their parent's group, no smaps (PSS) and no per-thread series, which
 * the agent does not export. Its defaults (smaps and threads on) cost more; bench/process.ts
 * measures those.
 */
function processExporterArgs(listen: string): string[] {
  const config = join(mkdtempSync(join(tmpdir(), 'odin-bench-pe-')), 'pe.yml')
  writeFileSync(config, 'process_names:\n  - name: "{{.Comm}}"\n    cmdline:\n    - \'.+\'\n')
  return [`-web.listen-address=${listen}`, `-config.path=${config}`, '-gather-smaps=false', '-threads=false']
}

export interface Started {
  readonly child: ChildProcess
  readonly url: string
}

/** Starts a peer on a free port and waits until its /metrics answers; the agent samples every `interval`. */
export async function startPeer(kind: Peer, interval: string): Promise<Started> {
  const port = await freePort()
  const listen = `--web.listen-address=127.0.0.1:${port}`
  const child =
    kind === 'node_exporter'
      ? spawn('prometheus-node-exporter', [listen], { stdio: 'ignore' })
      : kind === 'process-exporter'
        ? spawn(PROCESS_EXPORTER, processExporterArgs(`127.0.0.1:${port}`), { stdio: 'ignore' })
        : spawn(agentBinary, [listen, `--sampler.interval=${interval}`, `--data-dir=${mkdtempSync(join(tmpdir(), 'odin-bench-'))}`, '--log.level=warn'], { stdio: 'ignore' })
  const url = `http://127.0.0.1:${port}/metrics`
  await waitFor(async () => (await fetch(url)).ok, 20_000, `${kind} to answer`)
  return { child, url }
}

/** VmRSS and its anonymous and file-backed parts (for the agent, the binary's own pages), MiB. */
export function residentMiB(pid: number): { rss: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) / 1024
  return { rss: kib('VmRSS'), anon: kib('RssAnon'), file: kib('RssFile') }
}
