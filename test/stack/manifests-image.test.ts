// The agent image, as far as a machine without a container engine allows: the Dockerfile's
// steps are replayed into a temporary root filesystem (its COPY lines, and for the base
// image debian:12-slim the one package the binary links, libc6, copied from this Debian 12
// host), and the binary is started from it the way a container runtime would start the
// DaemonSet's container: its own mount and PID namespaces, chroot, the Dockerfile's ENV
// and ENTRYPOINT, the DaemonSet's args and its hostPath mounts as read-only bind mounts.
// Not verified here: `docker build` itself, the real debian:12-slim layers, image
// metadata, registry push and `k3s ctr images import`.
import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { diskAssetSource } from '../../src/assets/asset-source.ts'
import type { K8sObject } from '../../src/cli/manifests/kustomize.ts'
import { DEFAULT_OPTIONS, buildManifests } from '../../src/cli/manifests/render.ts'
import { RUNTIME_ENV } from '../../src/platform/runtime-env.ts'
import { ensureBinary, freePort, stopChildren } from '../helpers/binary.ts'
import { findTool, repoRoot } from './stack-files.ts'

const tmp = mkdtempSync(join(tmpdir(), 'odin-image-'))
let child: ChildProcess | undefined
afterAll(async () => {
  await stopChildren(child ? [child] : [])
  rmSync(tmp, { recursive: true, force: true })
})

interface Instruction {
  op: string
  args: string
}

/** The Dockerfile's instructions, comments dropped and continuation lines joined. */
function dockerfile(): Instruction[] {
  const text = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ')
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\w+)\s+(.*)$/.exec(l)
      if (!m) {
        throw new Error(`Dockerfile line not understood: ${l}`)
      }
      return { op: (m[1] as string).toUpperCase(), args: (m[2] as string).trim() }
    })
}

function envOf(ins: Instruction[]): Record<string, string> {
  const env: Record<string, string> = {}
  for (const i of ins.filter((x) => x.op === 'ENV')) {
    for (const m of i.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) {
      env[m[1] as string] = (m[2] as string).replace(/^"|"$/g, '')
    }
  }
  return env
}

interface Container {
  name: string
  command?: string[]
  args: string[]
  ports: { containerPort: number }[]
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[]
}
interface PodSpec {
  containers: Container[]
  volumes: { name: string; hostPath?: { path: string }; emptyDir?: unknown }[]
}

const ins = dockerfile()
const agentDs = buildManifests(diskAssetSource(repoRoot), DEFAULT_OPTIONS).find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'odin-agent') as K8sObject
const pod = (agentDs.spec as { template: { spec: PodSpec } }).template.spec
const container = pod.containers.find((c) => c.name === 'odin-agent') as Container
const entrypoint = JSON.parse(ins.find((i) => i.op === 'ENTRYPOINT')?.args ?? '[]') as string[]

describe('the Dockerfile against the manifests', () => {
  test('uses only the instructions this test replays', () => {
    expect(ins.map((i) => i.op).filter((op) => !['FROM', 'COPY', 'ENV', 'EXPOSE', 'ENTRYPOINT'].includes(op))).toEqual([])
    expect(ins[0]?.op).toBe('FROM')
  })

  test('ENTRYPOINT is the binary, and the DaemonSet keeps it (args only, no command)', () => {
    expect(entrypoint).toEqual(['/usr/local/bin/odin-agent'])
    expect(container.command).toBeUndefined()
    expect(ins.some((i) => i.op === 'COPY' && i.args.split(/\s+/).at(-1) === entrypoint[0])).toBe(true)
  })

  test("EXPOSE is the DaemonSet's port, ENV the runtime settings the binary would otherwise re-exec for", () => {
    expect(ins.filter((i) => i.op === 'EXPOSE').map((i) => Number(i.args))).toEqual(container.ports.map((p) => p.containerPort))
    expect(envOf(ins)).toEqual(RUNTIME_ENV)
  })
})

const base = ins[0]?.args ?? ''
const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : ''
const hostIsBase = /^debian:12(-slim)?$/.test(base) && /^ID=debian$/m.test(osRelease) && /^VERSION_ID="12"$/m.test(osRelease)
const tools = ['unshare', 'chroot', 'mount', 'ldd'].map(findTool)
const canRun = hostIsBase && tools.every((t) => t !== undefined) && process.getuid?.() === 0

test.skipIf(!canRun)(
  "the binary starts from a root filesystem built as the Dockerfile builds it, with the DaemonSet's args and mounts",
  async () => {
    const root = join(tmp, 'rootfs')
    await ensureBinary()
    // FROM debian:12-slim: the libraries the binary links (glibc only), from this bookworm host.
    const ldd = execFileSync(findTool('ldd') as string, [join(repoRoot, 'dist', 'odin-agent')], { encoding: 'utf8' })
    const libs = [...ldd.matchAll(/(\/[^\s]+\.so[^\s]*)/g)].map((m) => m[1] as string)
    expect(libs.some((l) => l.includes('libc.so.6'))).toBe(true)
    for (const lib of libs) {
      mkdirSync(join(root, dirname(lib)), { recursive: true })
      copyFileSync(lib, join(root, lib))
    }
    // COPY <src> <dst>, from the repository as the build context.
    for (const i of ins.filter((x) => x.op === 'COPY')) {
      const [src, dst] = i.args.split(/\s+/) as [string, string]
      mkdirSync(join(root, dirname(dst)), { recursive: true })
      copyFileSync(join(repoRoot, src), join(root, dst))
      execFileSync('chmod', ['0755', join(root, dst)])
    }
    accessSync(join(root, entrypoint[0] as string), constants.X_OK)
    // The DaemonSet's volumes: hostPath read-only binds; the writable state dir and emptyDirs as temp dirs.
    const binds: string[] = []
    mkdirSync(join(root, 'proc'), { recursive: true })
    for (const m of container.volumeMounts) {
      const vol = pod.volumes.find((v) => v.name === m.name)
      mkdirSync(join(root, m.mountPath), { recursive: true })
      if (vol?.hostPath && m.readOnly) {
        binds.push(`mount --bind -o ro '${vol.hostPath.path}' '${join(root, m.mountPath)}'`)
      } else {
        const scratch = mkdtempSync(join(tmp, `${m.name}-`))
        binds.push(`mount --bind '${scratch}' '${join(root, m.mountPath)}'`)
      }
    }
    const script = join(tmp, 'container.sh')
    writeFileSync(script, ['set -e', `mount -t proc proc '${join(root, 'proc')}'`, ...binds, `exec chroot '${root}' "$@"`, ''].join('\n'))
    const port = await freePort()
    const args = container.args.map((a) => (a.startsWith('--web.listen-address=') ? `--web.listen-address=127.0.0.1:${port}` : a))
    const out: Buffer[] = []
    // Private mount and PID namespaces: nothing is mounted on the host, and the agent dies with unshare.
    child = spawn(findTool('unshare') as string, ['--mount', '--pid', '--fork', '--kill-child', '--propagation', 'private', 'sh', script, ...entrypoint, ...args], {
      env: { ...envOf(ins), PATH: '/usr/sbin:/usr/bin:/sbin:/bin', NODE_NAME: 'image-test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout?.on('data', (b: Buffer) => out.push(b))
    child.stderr?.on('data', (b: Buffer) => out.push(b))
    const url = `http://127.0.0.1:${port}`
    const deadline = Date.now() + 30_000
    let ready = false
    while (Date.now() < deadline && !ready && child.exitCode === null) {
      ready = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      )
      if (!ready) {
        await new Promise((r) => setTimeout(r, 250))
      }
    }
    expect(ready, Buffer.concat(out).toString('utf8').slice(-2000)).toBe(true)
    const metrics = await (await fetch(`${url}/metrics`)).text()
    expect(metrics).toMatch(/^node_load1 /m)
    expect(metrics).toMatch(/^odin_agent_build_info\{/m)
  },
  120_000,
)

test.skipIf(canRun)('the image filesystem check can run here', () => {
  console.warn(
    `SKIPPED: replaying the Dockerfile needs root, unshare, chroot and a host matching ${base} (this host: ${/^PRETTY_NAME="(.*)"$/m.exec(osRelease)?.[1] ?? 'unknown'})`,
  )
})
