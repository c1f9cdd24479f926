import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Where this machine mounts its cgroup v1 hierarchies. */
export const CG = '/sys/fs/cgroup'

/** Root on a cgroup v1 (or hybrid) host with every named hierarchy: the live container tests can run. */
export function canBuildV1(controllers: readonly string[]): boolean {
  const isV1 = existsSync(join(CG, 'memory', 'memory.limit_in_bytes')) && !existsSync(join(CG, 'cgroup.controllers'))
  return process.getuid?.() === 0 && isV1 && controllers.every((c) => existsSync(join(CG, c)))
}

export const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())))
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Real cgroup directories made in several v1 hierarchies at once, the way the kubelet's
 * cgroupfs driver lays out a pod; `dispose` removes every one it made, deepest first.
 */
export class CgroupV1Tree {
  private readonly made: string[] = []

  constructor(readonly controllers: readonly string[]) {}

  /** Makes `rel` (and its missing parents) in every controller. */
  mk(rel: string): void {
    for (const c of this.controllers) {
      let path = join(CG, c)
      for (const seg of rel.split('/').filter(Boolean)) {
        path = join(path, seg)
        if (!existsSync(path)) {
          mkdirSync(path)
          this.made.push(path)
        }
      }
    }
  }

  /** Moves a process into `rel` in every controller. */
  enter(rel: string, pid: number): void {
    for (const c of this.controllers) writeFileSync(join(CG, c, rel, 'cgroup.procs'), `${pid}\n`)
  }

  /** Removes `rel` from every controller now (a container going away), retrying while a killed task leaves. */
  async remove(rel: string): Promise<void> {
    for (const c of this.controllers) {
      const d = join(CG, c, rel)
      await this.rmdir(d)
      const i = this.made.indexOf(d)
      if (i >= 0) this.made.splice(i, 1)
    }
  }

  async dispose(): Promise<void> {
    for (const d of this.made.splice(0).reverse()) await this.rmdir(d).catch(() => undefined)
  }

  private async rmdir(d: string): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        rmdirSync(d)
        return
      } catch (err) {
        if (i >= 40) throw err
        await sleep(50) // a killed task leaves the cgroup a moment later
      }
    }
  }
}
