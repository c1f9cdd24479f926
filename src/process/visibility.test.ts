import { describe, expect, it } from 'vitest'
import { assessVisibility, parseCapEff, procHidepid, visibilityFamilies } from './visibility.ts'
import type { VisibilityInput } from './visibility.ts'

const FULL = 0x000001ffffffffffn
const MANIFEST = 0x0000000000080004n // CAP_SYS_PTRACE | CAP_DAC_READ_SEARCH

describe('parseCapEff', () => {
  it.each([
    ['Name:\tx\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\n', FULL],
    ['CapEff:\t0000000000080004', MANIFEST],
    ['CapEff:  0', 0n],
    ['CapEff:\tzzzz\n', undefined],
    ['CapEff:\t00000000000000000\n', undefined], // 17 digits: not a 64-bit mask
    ['CapPrm:\t000001ffffffffff\n', undefined],
    ['', undefined],
    ['CapEff:\t<img src=x>\n', undefined],
  ])('%j -> %s', (text, want) => {
    expect(parseCapEff(text)).toBe(want)
  })
})

describe('procHidepid', () => {
  const line = (mp: string, fstype: string, superOpts: string) => `22 1 0:5 / ${mp} rw,nosuid - ${fstype} ${fstype} ${superOpts}`
  it.each([
    [line('/proc', 'proc', 'rw,hidepid=2'), '/proc', '2'],
    [line('/proc', 'proc', 'rw,hidepid=invisible,gid=10'), '/proc', 'invisible'],
    [line('/proc', 'proc', 'rw,hidepid=0'), '/proc', ''],
    [line('/proc', 'proc', 'rw,hidepid=off'), '/proc', ''],
    [line('/proc', 'proc', 'rw'), '/proc', ''],
    // --path.procfs=/host/proc: its own mount counts, not the container's /proc.
    [`${line('/proc', 'proc', 'rw')}\n${line('/host/proc', 'proc', 'rw,hidepid=2')}`, '/host/proc', '2'],
    [`${line('/proc', 'proc', 'rw,hidepid=2')}\n${line('/host/proc', 'proc', 'rw')}`, '/host/proc', ''],
    // A fixture directory is no mount: the agent's /proc is what it reads through.
    [line('/proc', 'proc', 'rw,hidepid=2'), '/tmp/fixture/proc', '2'],
    [line('/proc', 'tmpfs', 'rw,hidepid=2'), '/proc', ''],
    ['garbage\n\n- - -', '/proc', ''],
  ])('%#', (mountinfo, procfs, want) => {
    expect(procHidepid(mountinfo, procfs)).toBe(want)
  })
})

describe('assessVisibility', () => {
  const base: VisibilityInput = { uid: 0, capEff: FULL, hidepid: '', containerised: false }
  it.each<[string, Partial<VisibilityInput>, string[], boolean]>([
    ['root on a host', {}, [], true],
    ['root in the DaemonSet: container, only the two capabilities', { containerised: true, capEff: MANIFEST }, [], false],
    ['root in a container with fewer capabilities', { containerised: true, capEff: 0n }, ['no_cap_sys_ptrace', 'no_cap_dac_read_search'], false],
    ['privileged container: more than the manifest grants', { containerised: true, capEff: FULL }, [], true],
    ['manifest capabilities outside a container', { capEff: MANIFEST }, [], true],
    ['nobody', { uid: 65534, capEff: 0n }, ['unprivileged', 'no_cap_sys_ptrace', 'no_cap_dac_read_search'], false],
    ['nobody under hidepid=2', { uid: 65534, capEff: 0n, hidepid: '2' }, ['unprivileged', 'no_cap_sys_ptrace', 'no_cap_dac_read_search', 'hidepid'], false],
    ['hidepid does not hide from CAP_SYS_PTRACE', { uid: 65534, capEff: MANIFEST, hidepid: '2' }, [], false],
    ['CAP_DAC_OVERRIDE stands in for CAP_DAC_READ_SEARCH', { uid: 1000, capEff: (1n << 19n) | (1n << 1n) }, [], false],
    ['unreadable CapEff as root: assumed full', { capEff: undefined }, [], true],
    ['unreadable CapEff as a user: assumed none', { uid: 1000, capEff: undefined }, ['unprivileged', 'no_cap_sys_ptrace', 'no_cap_dac_read_search'], false],
  ])('%s', (_name, over, limits, warn) => {
    const v = assessVisibility({ ...base, ...over })
    expect(v.limits).toEqual(limits)
    expect(v.rootWarning).toBe(warn)
  })

  it('exports the capabilities, the verdict and every reason', () => {
    const fams = visibilityFamilies(assessVisibility({ ...base, uid: 65534, capEff: 0n, hidepid: '2' }))
    const get = (name: string) => fams.find((f) => f.name === name)?.samples
    expect(get('odin_agent_capabilities')).toEqual([
      { labels: { capability: 'CAP_SYS_PTRACE' }, value: 0 },
      { labels: { capability: 'CAP_DAC_READ_SEARCH' }, value: 0 },
    ])
    expect(get('odin_agent_process_visibility')).toEqual([{ labels: {}, value: 0 }])
    expect(get('odin_agent_process_visibility_limit')?.map((s) => [s.labels.reason, s.value])).toEqual([
      ['unprivileged', 1],
      ['no_cap_sys_ptrace', 1],
      ['no_cap_dac_read_search', 1],
      ['hidepid', 1],
    ])
    expect(visibilityFamilies(assessVisibility(base)).find((f) => f.name === 'odin_agent_process_visibility')?.samples[0]?.value).toBe(1)
  })
})
