import type { Collector } from './types.ts'
import { loadavgCollector } from './loadavg.ts'
import { cpuCollector } from './cpu.ts'
import { diskstatsCollector } from './diskstats.ts'
import { filesystemCollector } from './filesystem.ts'
import { meminfoCollector } from './meminfo.ts'
import { meminfoNumaCollector } from './meminfo-numa.ts'
import { namedprocessCollector } from './namedprocess.ts'
import { netdevCollector } from './netdev.ts'
import { osCollector } from './os.ts'
import { statCollector } from './stat.ts'
import { timeCollector } from './time.ts'
import { unameCollector } from './uname.ts'
import { gpuCollector } from './gpu.ts'
import { gpuXidCollector } from './gpu-xid.ts'

/**
 * Every collector the agent knows, in exposition order. Flags, --help and the README
 * table are generated from this one list.
 */
export const allCollectors: readonly Collector[] = [
  cpuCollector,
  diskstatsCollector,
  filesystemCollector,
  gpuCollector,
  gpuXidCollector,
  loadavgCollector,
  meminfoCollector,
  meminfoNumaCollector,
  namedprocessCollector,
  netdevCollector,
  osCollector,
  statCollector,
  timeCollector,
  unameCollector,
]
