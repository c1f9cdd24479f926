import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { GPU_FIELDS } from '../../src/gpu/fields.ts'
import { NvidiaSmiParseError, parseNvidiaSmiXml, programName } from '../../src/gpu/nvidia-smi-xml.ts'
import type { GpuReading } from '../../src/gpu/nvidia-smi-xml.ts'
import { fixture } from './fake-smi.ts'

const MiB = 1024 * 1024
const load = (name: string) => parseNvidiaSmiXml(readFileSync(fixture(name), 'utf8'))
const v = (g: GpuReading | undefined, metric: string) => g?.values.get(metric)

describe('parseNvidiaSmiXml on our captures', () => {
  it('reads two H100s with split ECC counts, remapped rows and throttling', () => {
    const r = load('h100-sxm-2gpu.xml')
    expect(r.driverVersion).toBe('550.90.07')
    expect(r.cudaVersion).toBe('12.4')
    expect(r.gpus).toHaveLength(2)
    const [g0, g1] = r.gpus
    expect(g0).toMatchObject({ index: 0, uuid: 'GPU-11111111-2222-3333-4444-000000000000', name: 'NVIDIA H100 80GB HBM3', device: 'nvidia0', pci: '0000:18:00' })
    expect(g1).toMatchObject({ index: 1, device: 'nvidia2', pci: '0000:2a:00', vbiosVersion: '96.00.99.00.01' })
    expect(v(g0, 'DCGM_FI_DEV_GPU_TEMP')).toBe(58)
    expect(v(g0, 'DCGM_FI_DEV_MEMORY_TEMP')).toBe(66)
    expect(v(g0, 'DCGM_FI_DEV_POWER_USAGE')).toBe(612.45)
    expect(v(g0, 'DCGM_FI_DEV_POWER_USAGE_INSTANT')).toBe(640.1)
    expect(v(g0, 'DCGM_FI_DEV_POWER_MGMT_LIMIT')).toBe(700)
    expect(v(g0, 'DCGM_FI_DEV_ECC_SBE_VOL_TOTAL')).toBe(5)
    expect(v(g0, 'DCGM_FI_DEV_ECC_DBE_VOL_TOTAL')).toBe(0)
    expect(v(g0, 'DCGM_FI_DEV_ECC_SBE_AGG_TOTAL')).toBe(25)
    expect(v(g0, 'DCGM_FI_DEV_ECC_DBE_AGG_TOTAL')).toBe(1)
    expect(v(g0, 'DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS')).toBe(2)
    expect(v(g0, 'DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS')).toBe(1)
    expect(v(g0, 'DCGM_FI_DEV_ROW_REMAP_FAILURE')).toBe(0)
    expect(v(g0, 'DCGM_FI_DEV_PCIE_REPLAY_COUNTER')).toBe(3)
    expect(v(g0, 'DCGM_FI_DEV_PCIE_LINK_WIDTH')).toBe(16)
    expect(v(g0, 'DCGM_FI_DEV_PSTATE')).toBe(0)
    expect(v(g0, 'DCGM_FI_DEV_FB_USED')).toBe(73210)
    expect(v(g0, 'odin_gpu_pcie_rx_bytes_per_second')).toBe(24110 * 1024)
    expect(v(g0, 'DCGM_FI_DEV_CLOCK_THROTTLE_REASONS')).toBe(0x4)
    expect(v(g1, 'DCGM_FI_DEV_CLOCK_THROTTLE_REASONS')).toBe(0x1)
    expect(g0?.throttleReasons.get('sw_power_cap')).toBe(1)
    expect(g0?.throttleReasons.get('gpu_idle')).toBe(0)
    // Passive cooling: no fan reading, and none invented.
    expect(v(g0, 'DCGM_FI_DEV_FAN_SPEED')).toBeUndefined()
    expect(v(g0, 'DCGM_FI_DEV_RETIRED_SBE')).toBeUndefined()
    // Two python3 processes are one series; arguments (and the key in them) are gone.
    expect(g0?.processes).toEqual([{ name: 'python3', usedBytes: (36864 + 35840) * MiB }])
    expect(g1?.processes).toEqual([])
    // host PIDs kept apart, for attribution to containers (never a label)
    expect(g0?.processPids).toEqual([
      { pid: 412233, usedBytes: 36864 * MiB },
      { pid: 412301, usedBytes: 35840 * MiB },
    ])
    expect(g1?.processPids).toEqual([])
  })

  it('reads a GeForce workstation: fan and encoder present, ECC absent', () => {
    const [g] = load('rtx-4090-workstation.xml').gpus
    expect(v(g, 'DCGM_FI_DEV_FAN_SPEED')).toBe(35)
    expect(v(g, 'DCGM_FI_DEV_PSTATE')).toBe(2)
    expect(v(g, 'DCGM_FI_DEV_ENC_UTIL')).toBe(12)
    expect(v(g, 'odin_gpu_encoder_sessions')).toBe(1)
    expect(v(g, 'odin_gpu_encoder_average_latency_seconds')).toBe(7314 / 1e6)
    expect(v(g, 'DCGM_FI_DEV_MEMORY_TEMP')).toBeUndefined()
    for (const metric of ['DCGM_FI_DEV_ECC_CURRENT', 'DCGM_FI_DEV_ECC_SBE_VOL_TOTAL', 'DCGM_FI_DEV_ECC_DBE_AGG_TOTAL', 'DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS']) {
      expect(v(g, metric), metric).toBeUndefined()
    }
    expect(v(g, 'DCGM_FI_DEV_CLOCK_THROTTLE_REASONS')).toBe(0)
    expect(g?.processes.map((p) => p.name)).toEqual(['blender', 'Xorg', 'gnome-shell', 'obs'])
  })

  it('reads MIG instances with derived profiles and N/A utilization', () => {
    const [g] = load('a100-sxm4-mig.xml').gpus
    expect(v(g, 'odin_gpu_mig_mode_enabled')).toBe(1)
    expect(v(g, 'DCGM_FI_DEV_GPU_UTIL')).toBeUndefined()
    expect(v(g, 'DCGM_FI_DEV_POWER_USAGE')).toBe(95.86)
    expect(v(g, 'DCGM_FI_DEV_POWER_USAGE_INSTANT')).toBeUndefined()
    expect(v(g, 'DCGM_FI_DEV_POWER_MGMT_LIMIT')).toBe(400)
    expect(v(g, 'DCGM_FI_DEV_ECC_SBE_AGG_TOTAL')).toBe(4)
    expect(g?.mig.map((m) => [m.gpuInstanceId, m.profile, m.values.get('DCGM_FI_DEV_FB_USED')])).toEqual([
      ['1', '3g.20gb', 16410],
      ['5', '2g.10gb', 7580],
      ['13', '1g.5gb', 24],
    ])
    expect(g?.processes).toEqual([{ name: 'python', usedBytes: (16384 + 7552) * MiB }])
  })

  it('leaves every [N/A], [Not Supported], [Insufficient Permissions], ERR! field out', () => {
    const [g] = load('na-fields.xml').gpus
    const present = Object.fromEntries(g?.values ?? [])
    expect(present).toEqual({
      DCGM_FI_DEV_POWER_MGMT_LIMIT: 72,
      DCGM_FI_DEV_POWER_MGMT_LIMIT_DEF: 72,
      DCGM_FI_DEV_FB_TOTAL: 23034,
      DCGM_FI_DEV_FB_RESERVED: 434,
      DCGM_FI_DEV_BAR1_TOTAL: 32768,
      DCGM_FI_DEV_BAR1_USED: 1,
      DCGM_FI_DEV_BAR1_FREE: 32767,
      DCGM_FI_DEV_MAX_SM_CLOCK: 2040,
      DCGM_FI_DEV_MAX_MEM_CLOCK: 6251,
      DCGM_FI_DEV_MAX_VIDEO_CLOCK: 1770,
      DCGM_FI_DEV_PCIE_LINK_GEN: 4,
      DCGM_FI_DEV_PCIE_MAX_LINK_GEN: 4,
      DCGM_FI_DEV_PCIE_LINK_WIDTH: 16,
      DCGM_FI_DEV_PCIE_MAX_LINK_WIDTH: 16,
      DCGM_FI_DEV_CLOCK_THROTTLE_REASONS: 0,
      odin_gpu_fbc_sessions: 0,
      odin_gpu_fbc_average_fps: 0,
      odin_gpu_fbc_average_latency_seconds: 0,
      odin_gpu_mig_mode_enabled: 0,
    })
    expect([...(g?.throttleReasons.keys() ?? [])].sort()).toEqual([
      'applications_clocks_setting',
      'display_clocks_setting',
      'hw_power_brake_slowdown',
      'hw_thermal_slowdown',
      'sw_power_cap',
    ])
    // A process with unreadable memory is skipped; an unreadable name is "unknown".
    expect(g?.processes).toEqual([{ name: 'unknown', usedBytes: 0 }])
  })

  it('parses every capture under real/ (masked captures from lent GPU machines)', () => {
    const dir = fixture('real')
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.xml'))) {
      const r = parseNvidiaSmiXml(readFileSync(`${dir}/${name}`, 'utf8'))
      expect(r.gpus.length, name).toBeGreaterThan(0)
      for (const g of r.gpus) {
        expect(g.values.get('DCGM_FI_DEV_GPU_TEMP'), name).toBeTypeOf('number')
      }
    }
  })
})

describe('parseNvidiaSmiXml on hostile input', () => {
  const h100 = readFileSync(fixture('h100-sxm-2gpu.xml'), 'utf8')

  it.each([
    ['empty output', ''],
    ['truncated in the middle', h100.slice(0, Math.floor(h100.length / 2))],
    ['truncated before the root closes', h100.slice(0, h100.lastIndexOf('</nvidia_smi_log>'))],
    ['truncated inside <supported_clocks>', h100.slice(0, h100.indexOf('<supported_clocks>') + 60)],
    ['the "no devices" message', 'No devices were found\n'],
    ['another root element', '<html><body>hi</body></html>'],
    ['a __proto__ element', '<nvidia_smi_log><gpu><__proto__><polluted>1</polluted></__proto__></gpu></nvidia_smi_log>'],
    ['a constructor element', '<nvidia_smi_log><constructor><prototype><x>1</x></prototype></constructor></nvidia_smi_log>'],
    ['mismatched tags', '<nvidia_smi_log><gpu></uuid></gpu></nvidia_smi_log>'],
  ])('%s throws NvidiaSmiParseError', (_, text) => {
    expect(() => parseNvidiaSmiXml(text)).toThrow(NvidiaSmiParseError)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('element names that shadow Object.prototype read as absent', () => {
    const r = parseNvidiaSmiXml('<nvidia_smi_log><gpu><toString>5</toString><uuid>GPU-x</uuid></gpu></nvidia_smi_log>')
    expect(r.gpus[0]?.uuid).toBe('GPU-x')
    expect(r.gpus[0]?.name).toBe('')
  })

  it('nested entities in an internal DTD are not expanded (no billion laughs)', () => {
    const lol =
      '<?xml version="1.0"?><!DOCTYPE nvidia_smi_log [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">' +
      '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>' +
      '<nvidia_smi_log><gpu><product_name>&d;&d;&d;</product_name></gpu></nvidia_smi_log>'
    expect(parseNvidiaSmiXml(lol).gpus[0]?.name.length).toBeLessThan(100)
  })

  it('no <gpu> element is zero GPUs, not an error', () => {
    expect(parseNvidiaSmiXml('<?xml version="1.0" ?>\n<nvidia_smi_log><driver_version>550.90.07</driver_version><attached_gpus>0</attached_gpus></nvidia_smi_log>').gpus).toEqual(
      [],
    )
  })

  it('CRLF output parses like LF output', () => {
    const crlf = parseNvidiaSmiXml(h100.replace(/\n/g, '\r\n'))
    expect(crlf.gpus.map((g) => Object.fromEntries(g.values))).toEqual(parseNvidiaSmiXml(h100).gpus.map((g) => Object.fromEntries(g.values)))
  })

  it('counters above 2^53 keep float precision', () => {
    const big = h100.replace('<replay_counter>3</replay_counter>', '<replay_counter>18446744073709551615</replay_counter>')
    expect(parseNvidiaSmiXml(big).gpus[0]?.values.get('DCGM_FI_DEV_PCIE_REPLAY_COUNTER')).toBe(18446744073709551615)
  })

  it('entities in process names are decoded, and the label keeps the program name only', () => {
    const r = parseNvidiaSmiXml(
      '<nvidia_smi_log><gpu><processes><process_info><process_name>/opt/a&amp;b/run --url https://user:pass@host/x</process_name><used_memory>10 MiB</used_memory></process_info></processes></gpu></nvidia_smi_log>',
    )
    expect(r.gpus[0]?.processes).toEqual([{ name: 'run', usedBytes: 10 * MiB }])
  })

  it('a <gpu> with almost nothing in it still yields its identity', () => {
    const r = parseNvidiaSmiXml('<nvidia_smi_log><gpu id="00000000:3B:00.0"><uuid>GPU-abc</uuid></gpu></nvidia_smi_log>')
    expect(r.gpus[0]).toMatchObject({ index: 0, uuid: 'GPU-abc', device: 'nvidia0', pci: '0000:3b:00' })
    expect(r.gpus[0]?.values.size).toBe(0)
  })
})

describe('programName', () => {
  it.each([
    ['/usr/bin/python3 train.py --token=abc', 'python3'],
    ['python', 'python'],
    ['', 'unknown'],
    ['   ', 'unknown'],
    ['/opt/x/\u0007bell', 'bell'],
    ['a'.repeat(200), 'a'.repeat(64)],
  ])('%j -> %j', (cmd, want) => {
    expect(programName(cmd)).toBe(want)
  })
})

it('the field table has one row per metric', () => {
  const names = GPU_FIELDS.map((f) => f.metric)
  expect(new Set(names).size).toBe(names.length)
})
