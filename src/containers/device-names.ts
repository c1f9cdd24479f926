import type { HostFS } from '../platform/host-fs.ts'

/** Block devices cAdvisor leaves out of its disk map (lib/utils/sysinfo GetBlockDeviceInfo). */
const SKIPPED = /^(loop|ram|sr)/

/**
 * "major:minor" → "/dev/<disk>" from <sysfs>/block/<disk>/dev, as cAdvisor's
 * MachineInfoNamer names container_fs_* devices; a number no disk has gives "" (cAdvisor
 * would next try its filesystem list, which the agent does not keep).
 */
export async function readDeviceNames(fs: HostFS): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const disks = await fs.readdir(fs.sys('block')).catch(() => [] as string[])
  for (const disk of disks.sort()) {
    if (SKIPPED.test(disk)) continue
    const dev = await fs.readFile(fs.sys('block', disk, 'dev')).catch(() => undefined)
    const majMin = dev?.trim()
    if (majMin !== undefined && /^\d+:\d+$/.test(majMin) && !out.has(majMin)) out.set(majMin, `/dev/${disk}`)
  }
  return out
}
