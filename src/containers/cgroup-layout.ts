import { join } from 'node:path'
import { subdirectories } from '../platform/cgroup-dirs.ts'
import type { HostFS } from '../platform/host-fs.ts'

/** The controllers whose files the container families read. */
export type Controller = 'cpu' | 'cpuacct' | 'memory' | 'blkio' | 'io' | 'pids'

/**
 * How <sysfs>/fs/cgroup is mounted. v2 (unified): `cgroup.controllers` at the root, every
 * controller in one tree. v1 and hybrid: one directory per hierarchy, named by its
 * controllers joined with commas (`cpu,cpuacct`, `net_cls,net_prio`); the v2 `unified`
 * mount of a hybrid host holds no controller the families read, so hybrid reads as v1.
 */
export interface CgroupLayout {
  readonly unified: boolean
  /** Controller → the directory its hierarchy is mounted on. */
  readonly controllers: ReadonlyMap<Controller, string>
  /** Every hierarchy's directory (cAdvisor takes the start time as the lowest mtime over all of them). */
  readonly hierarchies: readonly string[]
  /** The hierarchy walked to find containers. */
  readonly discovery: string
}

const WANTED: ReadonlySet<string> = new Set<Controller>(['cpu', 'cpuacct', 'memory', 'blkio', 'pids'])
/** Walk order of preference on v1: memory, then the CPU hierarchies, then the rest. */
const DISCOVERY_ORDER = ['memory', 'cpu', 'cpuacct', 'blkio', 'pids', 'name=systemd', 'systemd']

/** The host's cgroup layout, or undefined when <sysfs>/fs/cgroup holds no hierarchy. */
export async function detectLayout(fs: HostFS): Promise<CgroupLayout | undefined> {
  const root = fs.sys('fs', 'cgroup')
  const controllersFile = await fs.readFile(join(root, 'cgroup.controllers')).catch(() => undefined)
  if (controllersFile !== undefined) {
    const controllers = new Map<Controller, string>([
      ['cpu', root],
      ['memory', root],
      ['io', root],
      ['pids', root],
    ])
    return { unified: true, controllers, hierarchies: [root], discovery: root }
  }
  const dirs = subdirectories(root)
  if (dirs === undefined) return undefined
  const controllers = new Map<Controller, string>()
  const byName = new Map<string, string>()
  const hierarchies: string[] = []
  for (const dir of dirs) {
    if (dir === 'unified') continue
    const path = join(root, dir)
    hierarchies.push(path)
    for (const name of dir.split(',')) {
      byName.set(name, path)
      if (WANTED.has(name) && !controllers.has(name as Controller)) controllers.set(name as Controller, path)
    }
  }
  const discovery = DISCOVERY_ORDER.map((n) => byName.get(n)).find((p) => p !== undefined)
  if (discovery === undefined) return undefined
  return { unified: false, controllers, hierarchies, discovery }
}
