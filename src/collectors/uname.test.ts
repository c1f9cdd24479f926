import { machine, type as osType } from 'node:os'
import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf } from '../../test/helpers/collect.ts'
import { fsError, hostA, overlayFS } from '../../test/fixtures/host-a/host.ts'
import { unameCollector } from './uname.ts'

describe('uname collector', () => {
  it('labels node_uname_info from <procfs>/sys/kernel', async () => {
    const fams = await collectFrom(unameCollector, hostA)
    expect(samplesOf(fams, 'node_uname_info')).toEqual([
      {
        labels: {
          sysname: 'Linux',
          release: '6.1.0-28-amd64',
          version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)',
          machine: 'x86_64',
          nodename: 'host-a',
          domainname: '(none)',
        },
        value: 1,
      },
    ])
    expect(family(fams, 'node_uname_info')).toMatchObject({ type: 'gauge', help: 'Labeled system information as provided by the uname system call.' })
  })

  it('falls back to uname(2) of the agent for a field whose file is absent or unreadable', async () => {
    const fs = overlayFS({ 'proc/sys/kernel/arch': fsError('ENOENT', 'arch'), 'proc/sys/kernel/ostype': fsError('EACCES', 'ostype') })
    const [sample] = samplesOf(await collectFrom(unameCollector, { ...hostA, fs }), 'node_uname_info')
    expect(sample?.labels).toMatchObject({ machine: machine(), sysname: osType(), nodename: 'host-a' })
  })
})
