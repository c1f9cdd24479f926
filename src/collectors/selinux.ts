import { Families } from '../metrics/families.ts'
import { parseAvcCacheStats, parseAvcHashStats, parseSelinuxConfigMode, parseSelinuxEnforce } from '../procfs/selinux.ts'
import { readOptional } from './read.ts'
import type { CollectorEntry } from './types.ts'

const AVC_COUNTERS = [
  ['lookups', 'node_selinux_avc_lookups_total', 'SELinux AVC lookups'],
  ['hits', 'node_selinux_avc_hits_total', 'SELinux AVC hits'],
  ['misses', 'node_selinux_avc_misses_total', 'SELinux AVC misses'],
  ['allocations', 'node_selinux_avc_allocations_total', 'SELinux AVC allocations'],
  ['reclaims', 'node_selinux_avc_reclaims_total', 'SELinux AVC reclaims'],
  ['frees', 'node_selinux_avc_frees_total', 'SELinux AVC frees'],
] as const

const AVC_HASH_GAUGES = [
  ['entries', 'node_selinux_avc_hash_entries', 'SELinux AVC hash entries'],
  ['bucketsAvailable', 'node_selinux_avc_hash_buckets_available', 'SELinux AVC hash buckets available'],
  ['bucketsUsed', 'node_selinux_avc_hash_buckets_used', 'SELinux AVC hash buckets used'],
  ['longestChain', 'node_selinux_avc_hash_longest_chain', 'SELinux AVC hash longest chain'],
] as const

/**
 * node_exporter's selinux collector. SELinux is enabled when selinuxfs is mounted (its
 * `enforce` file under <sysfs>/fs/selinux) and the agent's own context is not "kernel",
 * as go-selinux decides; the configured mode comes from <rootfs>/etc/selinux/config.
 * Unlike node_exporter, which reads the agent's own mounts whatever --path.* says, every
 * read goes through the roots, so a container with the host's /sys reports the host. The
 * AVC statistics are skipped when the kernel lacks them instead of failing the run.
 */
export const selinuxCollector: CollectorEntry = {
  name: 'selinux',
  defaultEnabled: true,
  help: 'Exposes SELinux statistics.',
  families: [
    // The AVC tables, then what no table holds.
    ...AVC_COUNTERS.map(([, name, help]) => ({ name, type: 'counter' as const, help })),
    ...AVC_HASH_GAUGES.map(([, name, help]) => ({ name, type: 'gauge' as const, help })),
    { name: 'node_selinux_avc_threshold', type: 'gauge', help: 'SELinux AVC threshold' },
    { name: 'node_selinux_config_mode', type: 'gauge', help: 'Configured SELinux enforcement mode' },
    { name: 'node_selinux_current_mode', type: 'gauge', help: 'Current SELinux enforcement mode' },
    { name: 'node_selinux_enabled', type: 'gauge', help: 'SELinux is enabled, 1 is true, 0 is false' },
  ],
  create: () => ({
    async collect(ctx) {
      const fs = (...parts: string[]) => ctx.fs.sys('fs', 'selinux', ...parts)
      const f = new Families()
      const enforce = await readOptional(ctx, fs('enforce'))
      const context = (await readOptional(ctx, ctx.fs.proc('self', 'attr', 'current')))?.replace(/\0+$/, '').trim()
      if (enforce === undefined || context === 'kernel') {
        f.gauge('node_selinux_enabled', 'SELinux is enabled, 1 is true, 0 is false', 0)
        return f.list()
      }
      f.gauge('node_selinux_enabled', 'SELinux is enabled, 1 is true, 0 is false', 1)
      f.gauge('node_selinux_config_mode', 'Configured SELinux enforcement mode', parseSelinuxConfigMode(await readOptional(ctx, ctx.fs.root('etc', 'selinux', 'config'))))
      f.gauge('node_selinux_current_mode', 'Current SELinux enforcement mode', parseSelinuxEnforce(enforce))
      const cacheStats = await readOptional(ctx, fs('avc', 'cache_stats'))
      if (cacheStats !== undefined) {
        const stats = parseAvcCacheStats(cacheStats, fs('avc', 'cache_stats'))
        for (const [key, name, help] of AVC_COUNTERS) {
          f.counter(name, help, stats[key])
        }
      }
      const hashStats = await readOptional(ctx, fs('avc', 'hash_stats'))
      if (hashStats !== undefined) {
        const stats = parseAvcHashStats(hashStats, fs('avc', 'hash_stats'))
        for (const [key, name, help] of AVC_HASH_GAUGES) {
          f.gauge(name, help, stats[key])
        }
      }
      const threshold = await readOptional(ctx, fs('avc', 'cache_threshold'))
      const value = threshold === undefined ? Number.NaN : Number(threshold.trim())
      if (Number.isFinite(value) && threshold?.trim() !== '') {
        f.gauge('node_selinux_avc_threshold', 'SELinux AVC threshold', value)
      }
      return f.list()
    },
  }),
}
