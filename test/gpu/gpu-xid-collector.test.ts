import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { XID_STATE_FILE, createGpuXidCollector } from '../../src/collectors/gpu-xid.ts'
import type { GpuXidInstance } from '../../src/collectors/gpu-xid.ts'
import { GpuInventory } from '../../src/gpu/inventory.ts'
import { parseNvidiaSmiXml } from '../../src/gpu/nvidia-smi-xml.ts'
import { contextFor, createFrom, runIsolated, samplesOf, sampleValue } from '../helpers/collect.ts'
import type { CollectOptions } from '../helpers/collect.ts'
import { REPO, fixture } from './fake-smi.ts'
import { recordingLogger } from './record-logger.ts'

const PROC = join(REPO, 'test/fixtures/kmsg/proc')
const NOW = 1_700_000_000_000
const BOOT = NOW / 1000 - 93700.52

const open: GpuXidInstance[] = []
afterEach(() => open.splice(0).forEach((c) => c.close()))

function setup(opts: { inventory?: GpuInventory; procfs?: string; kmsg?: string; dataDir?: string; klog?: () => Promise<() => string> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'odin-xid-'))
  const kmsg = opts.kmsg ?? join(dir, 'kmsg')
  if (!opts.kmsg) {
    copyFileSync(join(REPO, 'test/fixtures/kmsg/xid.kmsg'), kmsg)
  }
  const dataDir = opts.dataDir ?? join(dir, 'data')
  const log = recordingLogger()
  const options: CollectOptions = {
    procfs: opts.procfs ?? PROC,
    args: [`--collector.gpu_xid.kmsg-path=${kmsg}`, `--data-dir=${dataDir}`],
    log,
    now: () => NOW,
  }
  const make = () => {
    const c = createFrom(createGpuXidCollector({ inventory: opts.inventory ?? new GpuInventory(), klog: opts.klog }), options)
    open.push(c)
    return c
  }
  let collector = make()
  return {
    kmsg,
    dataDir,
    log,
    collect: () => collector.collect(contextFor(collector, options)),
    isolated: () => runIsolated(collector, options),
    restart: () => {
      collector.close()
      collector = make()
    },
  }
}

const gpu0 = { gpu: '0', UUID: 'GPU-11111111-2222-3333-4444-000000000000' }
const gpu1 = { gpu: '1', UUID: 'GPU-11111111-2222-3333-4444-000000000001' }

describe('gpu_xid collector', () => {
  it('counts NVRM Xid lines per GPU and code, named from /proc/driver/nvidia', async () => {
    const s = setup()
    const fams = await s.collect()
    expect(sampleValue(fams, 'odin_gpu_xid_errors_total', { ...gpu0, xid: '13' })).toBe(2)
    expect(sampleValue(fams, 'odin_gpu_xid_errors_total', { ...gpu0, xid: '31' })).toBe(1)
    expect(sampleValue(fams, 'odin_gpu_xid_errors_total', { ...gpu1, xid: '79' })).toBe(1)
    // A GPU nobody names keeps its PCI address as UUID, so series stay distinct.
    expect(sampleValue(fams, 'odin_gpu_xid_errors_total', { UUID: 'PCI:0000:3b:00', xid: '43' })).toBe(1)
    expect(samplesOf(fams, 'odin_gpu_xid_errors_total')).toHaveLength(4)
    expect(fams.find((f) => f.name === 'odin_gpu_xid_errors_total')?.type).toBe('counter')
    expect(sampleValue(fams, 'odin_gpu_last_xid_timestamp_seconds', gpu0)).toBeCloseTo(BOOT + 86460, 6)
    expect(sampleValue(fams, 'odin_gpu_last_xid_timestamp_seconds', gpu1)).toBeCloseTo(BOOT + 93600, 6)
    expect(sampleValue(fams, 'DCGM_FI_DEV_XID_ERRORS', { ...gpu0, device: 'nvidia0', modelName: 'NVIDIA H100 80GB HBM3' })).toBe(31)
    expect(sampleValue(fams, 'DCGM_FI_DEV_XID_ERRORS', { ...gpu1, device: 'nvidia2' })).toBe(79)
    // Warned once per Xid, with no process name or pid from the message.
    const warns = s.log.lines.filter((l) => l.level === 'warn')
    expect(warns).toHaveLength(5)
    expect(JSON.stringify(warns)).not.toMatch(/python|pid/)
  })

  it('counts only records that arrive later, and a partial line once it is whole', async () => {
    const s = setup()
    await s.collect()
    appendFileSync(s.kmsg, '4,1900,94000000000,-;NVRM: Xid (PCI:0000:18:00): 13, pid=1, name=x, Graphics Exception\n4,1901,94000000001,-;NVRM: Xid (PCI:0000:18')
    let fams = await s.collect()
    expect(sampleValue(fams, 'odin_gpu_xid_errors_total', { ...gpu0, xid: '13' })).toBe(3)
    expect(samplesOf(fams, 'odin_gpu_xid_errors_total').find((x) => x.labels.xid === '48')).toBeUndefined()
    appendFileSync(s.kmsg, ':00): 48, pid=1, An uncorrectable double bit error\n')
    fams = await s.collect()
    expect(sampleValue(fams, 'odin_gpu_xid_errors_total', { ...gpu0, xid: '48' })).toBe(1)
    expect(sampleValue(fams, 'odin_gpu_xid_errors_total', { ...gpu0, xid: '13' })).toBe(3)
  })

  it('a restart in the same boot neither re-counts the ring buffer nor resets counters', async () => {
    const s = setup()
    await s.collect()
    const saved = JSON.parse(readFileSync(join(s.dataDir, XID_STATE_FILE), 'utf8'))
    expect(saved).toMatchObject({ version: 1, bootId: '5d8a4a0e-3c2f-4b1a-9a51-0c6a1c7e2f10', lastSeq: 1881 })
    s.restart()
    let fams = await s.collect()
    expect(sampleValue(fams, 'odin_gpu_xid_errors_total', { ...gpu0, xid: '13' })).toBe(2)
    appendFileSync(s.kmsg, '4,1902,95000000000,-;NVRM: Xid (PCI:0000:2a:00): 79, pid=, GPU has fallen off the bus.\n')
    s.restart()
    fams = await s.collect()
    expect(sampleValue(fams, 'odin_gpu_xid_errors_total', { ...gpu1, xid: '79' })).toBe(2)
    expect(sampleValue(fams, 'odin_gpu_xid_errors_total', { ...gpu0, xid: '13' })).toBe(2)
  })

  it('state from another boot, or a corrupt state file, means counting the buffer afresh', async () => {
    for (const text of [
      JSON.stringify({ version: 1, bootId: 'an-earlier-boot', lastSeq: 99999, counts: [{ pci: '0000:18:00', xid: 13, count: 40, lastTimestamp: 1 }] }),
      '{"version":1,"bootId":"5d8a4a0e',
    ]) {
      const dir = mkdtempSync(join(tmpdir(), 'odin-xid-state-'))
      writeFileSync(join(dir, XID_STATE_FILE), text)
      const fams = await setup({ dataDir: dir }).collect()
      expect(sampleValue(fams, 'odin_gpu_xid_errors_total', { ...gpu0, xid: '13' })).toBe(2)
    }
  })

  it('nvidia-smi names GPUs first (index order and minor numbers from its report)', async () => {
    const inventory = new GpuInventory()
    inventory.record(parseNvidiaSmiXml(readFileSync(fixture('h100-sxm-2gpu.xml'), 'utf8')).gpus)
    const fams = await setup({ inventory, procfs: join(REPO, 'test/fixtures/kmsg/no-such-proc') }).collect()
    expect(sampleValue(fams, 'DCGM_FI_DEV_XID_ERRORS', { ...gpu1, device: 'nvidia2', modelName: 'NVIDIA H100 80GB HBM3' })).toBe(79)
    // Without procfs there is no uptime: the time seen stands in for the log time.
    expect(sampleValue(fams, 'odin_gpu_last_xid_timestamp_seconds', gpu1)).toBe(NOW / 1000)
  })

  it('no NVIDIA GPU known: no data, and the kernel log is not read', async () => {
    const s = setup({ procfs: join(REPO, 'test/fixtures/kmsg/no-such-proc'), kmsg: '/nonexistent/kmsg-never-opened' })
    const outcome = await s.isolated()
    expect(outcome).toMatchObject({ success: false, noData: true })
    expect(outcome.error).toMatch(/no NVIDIA GPU known/)
  })

  it('reads the ring buffer through syslog(2) when the kernel log cannot be opened (a pod without /dev/kmsg)', async () => {
    // What syslog(2) READ_ALL returns: `<pri>[seconds.micros] message`, no sequence numbers.
    let text = [
      '<6>[86400.123456] NVRM: GPU at PCI:0000:18:00: GPU-11111111-2222-3333-4444-000000000000',
      '<4>[86460.000001] NVRM: Xid (PCI:0000:18:00): 13, pid=4242, name=python3, Graphics Exception',
      "<4>[93600.500000] NVRM: Xid (PCI:0000:2a:00): 79, pid='<unknown>', GPU has fallen off the bus.",
      '',
    ].join('\n')
    const s = setup({ kmsg: '/nonexistent/kmsg', klog: async () => () => text })
    const fams = await s.collect()
    expect(sampleValue(fams, 'odin_gpu_xid_errors_total', { ...gpu0, xid: '13' })).toBe(1)
    expect(sampleValue(fams, 'odin_gpu_xid_errors_total', { ...gpu1, xid: '79' })).toBe(1)
    expect(sampleValue(fams, 'odin_gpu_last_xid_timestamp_seconds', gpu1)).toBeCloseTo(BOOT + 93600.5, 6)
    expect(s.log.lines.filter((l) => l.level === 'info').map((l) => l.msg)).toEqual(['kernel log read through syslog(2)'])
    // The whole buffer comes back on every call: only newer records count.
    text += '<4>[94000.000000] NVRM: Xid (PCI:0000:18:00): 13, pid=1, name=x, Graphics Exception\n'
    const again = await s.collect()
    expect(sampleValue(again, 'odin_gpu_xid_errors_total', { ...gpu0, xid: '13' })).toBe(2)
    expect(sampleValue(again, 'odin_gpu_xid_errors_total', { ...gpu1, xid: '79' })).toBe(1)
    // A restart in the same boot resumes after the last counted record.
    s.restart()
    const resumed = await s.collect()
    expect(sampleValue(resumed, 'odin_gpu_xid_errors_total', { ...gpu0, xid: '13' })).toBe(2)
  })

  it('"syslog" as the path reads only through syslog(2); without CAP_SYSLOG it is no data naming both', async () => {
    const ok = setup({ kmsg: 'syslog', klog: async () => () => '<4>[5.000000] NVRM: Xid (PCI:0000:18:00): 48, pid=1, An uncorrectable double bit error\n' })
    expect(sampleValue(await ok.collect(), 'odin_gpu_xid_errors_total', { ...gpu0, xid: '48' })).toBe(1)
    const eperm = Object.assign(new Error('syslog(2) failed with errno 1'), { code: 'EPERM' })
    const denied = setup({
      kmsg: '/nonexistent/kmsg',
      klog: async () => () => {
        throw eperm
      },
    })
    const outcome = await denied.isolated()
    expect(outcome).toMatchObject({ success: false, noData: true })
    expect(outcome.error).toMatch(/couldn't open \/nonexistent\/kmsg: ENOENT; syslog\(2\): EPERM/)
  })

  it('an unreadable kernel log is no data, quietly', async () => {
    const s = setup({ kmsg: '/nonexistent/kmsg' })
    const outcome = await s.isolated()
    expect(outcome).toMatchObject({ success: false, noData: true })
    expect(s.log.lines.filter((l) => l.level !== 'debug')).toEqual([])
  })

  it('a data dir it cannot write warns once and keeps counting in memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odin-xid-ro-'))
    const notADir = join(dir, 'file')
    writeFileSync(notADir, 'x')
    const s = setup({ dataDir: join(notADir, 'sub') })
    await s.collect()
    appendFileSync(s.kmsg, '4,1900,94000000000,-;NVRM: Xid (PCI:0000:18:00): 13, pid=1\n')
    const fams = await s.collect()
    expect(sampleValue(fams, 'odin_gpu_xid_errors_total', { ...gpu0, xid: '13' })).toBe(3)
    expect(s.log.lines.filter((l) => l.msg.startsWith("couldn't save"))).toHaveLength(1)
  })
})
