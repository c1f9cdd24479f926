import { describe, expect, it } from 'vitest'
import { DMI_LABELS, SYS_READ_FILE_BYTES, dmiValue } from './dmi.ts'
import { goTrimSpace } from './sysfs-value.ts'

describe('goTrimSpace', () => {
  it.each([
    ['  a b \n', 'a b'],
    ['\r\n\t\v\fx\r\n', 'x'],
    ['\u0085\u00a0x\u3000', 'x'],
    ['\ufeffx', '\ufeffx'],
    ['', ''],
    [' \n ', ''],
  ])('%j -> %j', (text, want) => {
    expect(goTrimSpace(text)).toBe(want)
  })
})

describe('dmiValue', () => {
  it('trims and keeps empty and odd-but-valid values', () => {
    expect(dmiValue('Dell Inc.\n')).toBe('Dell Inc.')
    expect(dmiValue('\n')).toBe('')
    expect(dmiValue('  To Be Filled By O.E.M.  \r\n')).toBe('To Be Filled By O.E.M.')
    expect(dmiValue('\ufffd\u001c[\ufffd\n')).toBe('\ufffd\u001c[\ufffd')
  })

  it('keeps only the first 128 bytes, as procfs reads one buffer', () => {
    expect(dmiValue(`${'a'.repeat(200)}\n`)).toBe('a'.repeat(SYS_READ_FILE_BYTES))
    expect(dmiValue(`${' '.repeat(130)}x`)).toBe('')
  })

  it('leaves one U+FFFD where the cut splits a multi-byte character', () => {
    const value = dmiValue(`${'a'.repeat(127)}€€`)
    expect(value).toBe(`${'a'.repeat(127)}\ufffd`)
  })
})

describe('DMI_LABELS', () => {
  it("lists node_exporter's twenty labels, system_vendor from sys_vendor, no chassis_type", () => {
    expect(DMI_LABELS).toHaveLength(20)
    expect(DMI_LABELS.map(([label]) => label)).toEqual([...DMI_LABELS.map(([label]) => label)].sort())
    expect(DMI_LABELS).toContainEqual(['system_vendor', 'sys_vendor'])
    expect(DMI_LABELS.map(([, file]) => file)).not.toContain('chassis_type')
  })
})
