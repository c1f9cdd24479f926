import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { nvmlPowerIsInstant } from '../../src/gpu/fields.ts'
import { parseNvidiaSmiXml } from '../../src/gpu/nvidia-smi-xml.ts'
import { fixture } from './fake-smi.ts'

/** The H100 capture (v12, average 612.45 W, instant 640.10 W) with its model and power elements replaced. */
function variant(name: string, architecture: string, readings: string): number | undefined {
  let xml = readFileSync(fixture('h100-sxm-2gpu.xml'), 'utf8')
  xml = xml.replace(/<product_name>[^<]*</g, `<product_name>${name}<`).replace(/<product_architecture>[^<]*</g, `<product_architecture>${architecture}<`)
  xml = xml.replace(/<average_power_draw>612\.45 W<\/average_power_draw>\s*<instant_power_draw>640\.10 W<\/instant_power_draw>/, readings)
  return parseNvidiaSmiXml(xml).gpus[0]?.values.get('DCGM_FI_DEV_POWER_USAGE')
}

const BOTH = '<average_power_draw>612.45 W</average_power_draw><instant_power_draw>640.10 W</instant_power_draw>'

describe('DCGM_FI_DEV_POWER_USAGE is what NVML power usage returns', () => {
  it.each([
    // [board, architecture, elements printed, want]
    ['NVIDIA H100 80GB HBM3', 'Hopper', BOTH, 612.45],
    ['NVIDIA GeForce RTX 3080', 'Ampere', BOTH, 612.45],
    ['NVIDIA RTX 4000 SFF Ada Generation', 'Ada Lovelace', BOTH, 612.45],
    ['NVIDIA A100-SXM4-80GB', 'Ampere', BOTH, 640.1],
    ['NVIDIA A30', 'Ampere', BOTH, 640.1],
    ['Tesla V100-SXM2-32GB', 'Volta', BOTH, 640.1],
    ['Tesla T4', 'Turing', BOTH, 640.1],
    // power_draw is nvmlDeviceGetPowerUsage itself: it wins over an average printed beside it.
    ['NVIDIA GeForce RTX 3080', 'Ampere', `<power_draw>300.00 W</power_draw>${BOTH}`, 300],
    ['NVIDIA H100 80GB HBM3', 'Hopper', `${BOTH}<power_draw>300.00 W</power_draw>`, 300],
    ['NVIDIA A100-SXM4-80GB', 'Ampere', `<power_draw>300.00 W</power_draw><average_power_draw>612.45 W</average_power_draw>`, 300],
    // Only one of the two: whichever there is.
    ['NVIDIA H100 80GB HBM3', 'Hopper', '<instant_power_draw>640.10 W</instant_power_draw>', 640.1],
    ['Tesla T4', 'Turing', '<average_power_draw>612.45 W</average_power_draw>', 612.45],
  ])('%s (%s) with %s -> %d W', (name, arch, readings, want) => {
    expect(variant(name, arch, readings)).toBe(want)
  })

  it('names GA100 and the architectures before Ampere as instantaneous', () => {
    expect(nvmlPowerIsInstant({ architecture: 'Pascal', productName: 'Tesla P100-PCIE-16GB' })).toBe(true)
    expect(nvmlPowerIsInstant({ architecture: 'Ampere', productName: 'NVIDIA A800 80GB PCIe' })).toBe(true)
    expect(nvmlPowerIsInstant({ architecture: 'Ampere', productName: 'NVIDIA A10G' })).toBe(false)
    expect(nvmlPowerIsInstant({ architecture: 'Ampere', productName: 'NVIDIA A40' })).toBe(false)
    expect(nvmlPowerIsInstant({ architecture: 'Blackwell', productName: 'NVIDIA B200' })).toBe(false)
    expect(nvmlPowerIsInstant({ architecture: '', productName: '' })).toBe(false)
  })
})
