import type { CollectorEntry } from './types.ts'
import { loadavgCollector } from './loadavg.ts'
import { arpCollector } from './arp.ts'
import { bondingCollector } from './bonding.ts'
import { udpQueuesCollector } from './udp-queues.ts'
import { dmiCollector } from './dmi.ts'
import { edacCollector } from './edac.ts'
import { mdadmCollector } from './mdadm.ts'
import { selinuxCollector } from './selinux.ts'
import { infinibandCollector } from './infiniband.ts'
import { nfsCollector } from './nfs.ts'
import { nfsdCollector } from './nfsd.ts'
import { xfsCollector } from './xfs.ts'
import { btrfsCollector } from './btrfs.ts'
import { zfsCollector } from './zfs.ts'
import { ipvsCollector } from './ipvs.ts'
import { watchdogCollector } from './watchdog.ts'
import { bcacheCollector } from './bcache.ts'
import { fibrechannelCollector } from './fibrechannel.ts'
import { tapestatsCollector } from './tapestats.ts'
import { cpuCollector } from './cpu.ts'
import { diskstatsCollector } from './diskstats.ts'
import { filesystemCollector } from './filesystem.ts'
import { meminfoCollector } from './meminfo.ts'
import { meminfoNumaCollector } from './meminfo-numa.ts'
import { namedprocessCollector } from './namedprocess.ts'
import { threatsCollector } from './threats.ts'
import { netdevCollector } from './netdev.ts'
import { osCollector } from './os.ts'
import { statCollector } from './stat.ts'
import { timeCollector } from './time.ts'
import { timexCollector } from './timex.ts'
import { unameCollector } from './uname.ts'
import { conntrackCollector } from './conntrack.ts'
import { containersCollector } from './containers.ts'
import { cpufreqCollector } from './cpufreq.ts'
import { entropyCollector } from './entropy.ts'
import { filefdCollector } from './filefd.ts'
import { hwmonCollector } from './hwmon.ts'
import { netclassCollector } from './netclass.ts'
import { netstatCollector } from './netstat.ts'
import { nvmeCollector } from './nvme.ts'
import { powersupplyclassCollector } from './powersupplyclass.ts'
import { pressureCollector } from './pressure.ts'
import { raplCollector } from './rapl.ts'
import { schedstatCollector } from './schedstat.ts'
import { sockstatCollector } from './sockstat.ts'
import { softnetCollector } from './softnet.ts'
import { thermalZoneCollector } from './thermal-zone.ts'
import { vmstatCollector } from './vmstat.ts'
import { textfileCollector } from './textfile.ts'
import { gpuCollector } from './gpu.ts'
import { gpuXidCollector } from './gpu-xid.ts'

/**
 * Every collector the agent knows, in exposition order. Flags, --help and the README
 * table are generated from this one list.
 */
export const allCollectors: readonly CollectorEntry[] = [
  arpCollector,
  bcacheCollector,
  bondingCollector,
  btrfsCollector,
  conntrackCollector,
  containersCollector,
  cpuCollector,
  cpufreqCollector,
  diskstatsCollector,
  dmiCollector,
  edacCollector,
  entropyCollector,
  fibrechannelCollector,
  filefdCollector,
  filesystemCollector,
  gpuCollector,
  gpuXidCollector,
  hwmonCollector,
  infinibandCollector,
  ipvsCollector,
  loadavgCollector,
  mdadmCollector,
  meminfoCollector,
  meminfoNumaCollector,
  namedprocessCollector,
  netclassCollector,
  netdevCollector,
  netstatCollector,
  nfsCollector,
  nfsdCollector,
  nvmeCollector,
  osCollector,
  powersupplyclassCollector,
  pressureCollector,
  raplCollector,
  schedstatCollector,
  selinuxCollector,
  sockstatCollector,
  softnetCollector,
  statCollector,
  tapestatsCollector,
  textfileCollector,
  thermalZoneCollector,
  threatsCollector,
  timeCollector,
  timexCollector,
  udpQueuesCollector,
  unameCollector,
  vmstatCollector,
  watchdogCollector,
  xfsCollector,
  zfsCollector,
]
