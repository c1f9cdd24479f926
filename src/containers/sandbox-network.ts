import type { Families } from '../metrics/families.ts'
import type { Labels } from '../metrics/types.ts'
import type { HostFS } from '../platform/host-fs.ts'
import { parseNetDev } from '../procfs/netdev.ts'

/**
 * Per-pod network counters, on the pod's sandbox as cAdvisor puts them
 * (common.RemoveNetMetrics keeps them only on the sandbox): /proc/<pid>/net/dev of a
 * process in the sandbox cgroup, every interface but lo*, veth*, docker* and nerdctl*
 * (libcontainer handler.go ignoredDevicePrefixes). A pod sharing the host's network
 * namespace is skipped: its counters are the node's.
 */
export const NETWORK_FAMILIES = [
  ['container_network_receive_bytes_total', 'receive_bytes', 'Cumulative count of bytes received'],
  ['container_network_receive_errors_total', 'receive_errs', 'Cumulative count of errors encountered while receiving'],
  ['container_network_receive_packets_dropped_total', 'receive_drop', 'Cumulative count of packets dropped while receiving'],
  ['container_network_receive_packets_total', 'receive_packets', 'Cumulative count of packets received'],
  ['container_network_transmit_bytes_total', 'transmit_bytes', 'Cumulative count of bytes transmitted'],
  ['container_network_transmit_errors_total', 'transmit_errs', 'Cumulative count of errors encountered while transmitting'],
  ['container_network_transmit_packets_dropped_total', 'transmit_drop', 'Cumulative count of packets dropped while transmitting'],
  ['container_network_transmit_packets_total', 'transmit_packets', 'Cumulative count of packets transmitted'],
] as const

const IGNORED = /^(lo|veth|docker|nerdctl)/i

/** Adds one interface list's families (netdev counters keyed as NETDEV_COLUMNS). */
export function addNetworkFamilies(f: Families, labels: Labels, interfaces: readonly { device: string; counters: ReadonlyMap<string, number> }[]): void {
  for (const nic of interfaces) {
    if (IGNORED.test(nic.device)) continue
    const l = { ...labels, interface: nic.device }
    for (const [name, column, help] of NETWORK_FAMILIES) f.counter(name, help, nic.counters.get(column) ?? 0, l)
  }
}

/**
 * The sandbox's interfaces, or undefined when no process is in its cgroup, the process is
 * gone, or it shares the host's network namespace (that of PID 1).
 */
export async function readSandboxInterfaces(fs: HostFS, cgroupDir: string): Promise<ReturnType<typeof parseNetDev> | undefined> {
  const procs = await fs.readFile(`${cgroupDir}/cgroup.procs`).catch(() => '')
  const pid = procs
    .split('\n')
    .find((l) => /^\d+$/.test(l.trim()))
    ?.trim()
  if (pid === undefined) return undefined
  const [ns, hostNs] = await Promise.all([fs.readlink(fs.proc(pid, 'ns', 'net')).catch(() => undefined), fs.readlink(fs.proc('1', 'ns', 'net')).catch(() => undefined)])
  if (ns === undefined || ns === hostNs) return undefined
  const text = await fs.readFile(fs.proc(pid, 'net', 'dev')).catch(() => undefined)
  if (text === undefined) return undefined
  try {
    return parseNetDev(text)
  } catch {
    return undefined
  }
}
