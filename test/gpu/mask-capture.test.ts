import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { maskNvidiaSmiCapture } from '../../src/gpu/mask-capture.ts'
import { parseNvidiaSmiXml } from '../../src/gpu/nvidia-smi-xml.ts'
import { fixture } from './fake-smi.ts'

it('masks identities and command lines, keeps every measurement', () => {
  const xml = readFileSync(fixture('h100-sxm-2gpu.xml'), 'utf8').replace(
    '<pci_bus_id>00000000:18:00.0</pci_bus_id>',
    '<pci_bus_id>00000000:18:00.0</pci_bus_id><!-- GPU-11111111-2222-3333-4444-000000000001 -->',
  )
  const masked = maskNvidiaSmiCapture(xml)
  expect(masked).not.toMatch(/GPU-11111111|1650000000001|wandb-key|412233/)
  expect(masked).toContain('<serial>REDACTED</serial>')
  const before = parseNvidiaSmiXml(xml)
  const after = parseNvidiaSmiXml(masked)
  expect(after.gpus.map((g) => g.uuid)).toEqual(['GPU-00000000-0000-0000-0000-000000000000', 'GPU-00000000-0000-0000-0000-000000000001'])
  // The same UUID maps to the same mask wherever it appears.
  expect(masked.match(/GPU-00000000-0000-0000-0000-000000000001/g)).toHaveLength(2)
  expect(after.gpus.map((g) => Object.fromEntries(g.values))).toEqual(before.gpus.map((g) => Object.fromEntries(g.values)))
  expect(after.gpus[0]?.processes).toEqual(before.gpus[0]?.processes)
})
