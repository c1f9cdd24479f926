import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { collectFrom, sampleValue } from '../../test/helpers/collect.ts'
import { writeTree } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { selinuxCollector } from './selinux.ts'

/** One temporary tree with proc/, sys/ and root/ beneath it. */
async function onHost(files: Record<string, string>) {
  const root = writeTree({ 'proc/.keep': '', 'sys/.keep': '', 'root/.keep': '', ...files })
  try {
    return await collectFrom(selinuxCollector, { procfs: join(root, 'proc'), sysfs: join(root, 'sys'), rootfs: join(root, 'root') })
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

const ENFORCING_HOST = {
  'sys/fs/selinux/enforce': '1',
  'sys/fs/selinux/avc/cache_stats': 'lookups hits misses allocations reclaims frees\n10 8 2 2 0 1\n30 28 2 3 0 1\n',
  'sys/fs/selinux/avc/hash_stats': 'entries: 503\nbuckets used: 319/512\nlongest chain: 5\n',
  'sys/fs/selinux/avc/cache_threshold': '512\n',
  'proc/self/attr/current': 'system_u:system_r:unconfined_service_t:s0\0',
  'root/etc/selinux/config': 'SELINUX=permissive\nSELINUXTYPE=targeted\n',
}

describe('selinux collector', () => {
  it('a host without selinuxfs reports disabled and nothing else (as node_exporter on this CI host)', async () => {
    const families = await onHost({})
    expect(families.map((f) => [f.name, f.samples[0]?.value])).toEqual([['node_selinux_enabled', 0]])
  })

  it('an enforcing host: modes, AVC counters summed over CPUs, hash statistics and threshold', async () => {
    const families = await onHost(ENFORCING_HOST)
    const want: Record<string, number> = {
      node_selinux_enabled: 1,
      node_selinux_config_mode: 0,
      node_selinux_current_mode: 1,
      node_selinux_avc_lookups_total: 40,
      node_selinux_avc_hits_total: 36,
      node_selinux_avc_misses_total: 4,
      node_selinux_avc_allocations_total: 5,
      node_selinux_avc_reclaims_total: 0,
      node_selinux_avc_frees_total: 2,
      node_selinux_avc_hash_entries: 503,
      node_selinux_avc_hash_buckets_used: 319,
      node_selinux_avc_hash_buckets_available: 512,
      node_selinux_avc_hash_longest_chain: 5,
      node_selinux_avc_threshold: 512,
    }
    expect(Object.fromEntries(families.map((f) => [f.name, sampleValue(families, f.name)]))).toEqual(want)
    expect(families.find((f) => f.name === 'node_selinux_avc_hits_total')?.type).toBe('counter')
  })

  it('the kernel context means SELinux is off even with selinuxfs mounted (go-selinux)', async () => {
    const families = await onHost({ ...ENFORCING_HOST, 'proc/self/attr/current': 'kernel\0' })
    expect(sampleValue(families, 'node_selinux_enabled')).toBe(0)
    expect(families).toHaveLength(1)
  })

  it('no config file is disabled (-1) as configured mode; AVC files missing are skipped, not a failure', async () => {
    const families = await onHost({ 'sys/fs/selinux/enforce': '0\n' })
    expect(sampleValue(families, 'node_selinux_config_mode')).toBe(-1)
    expect(sampleValue(families, 'node_selinux_current_mode')).toBe(0)
    expect(families.map((f) => f.name)).toEqual(['node_selinux_enabled', 'node_selinux_config_mode', 'node_selinux_current_mode'])
  })

  it('a malformed cache_stats fails the run naming the file', async () => {
    await expect(onHost({ ...ENFORCING_HOST, 'sys/fs/selinux/avc/cache_stats': 'h\n1 2\n' })).rejects.toThrow(ParseError)
  })
})
