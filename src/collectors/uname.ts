import { machine, hostname, release, type as osType, version as osVersion } from 'node:os'
import { Families } from '../metrics/families.ts'
import { UNAME_KERNEL_FILES, kernelString } from '../procfs/uname.ts'
import type { Uname } from '../procfs/uname.ts'
import { readOptional } from './read.ts'
import type { CollectorEntry } from './types.ts'

/** What uname(2) would say when a /proc/sys/kernel file is absent (the agent's own kernel). */
const FALLBACK: Readonly<Record<keyof Uname, () => string>> = {
  sysname: osType,
  release,
  version: osVersion,
  machine,
  nodename: hostname,
  domainname: () => '(none)',
}

/**
 * node_exporter's uname: node_uname_info{domainname,machine,nodename,release,sysname,version}.
 * node_exporter calls uname(2); the same strings are in <procfs>/sys/kernel/* (machine in
 * `arch` since Linux 6.1), so a fixture tree can stand in for the host. A field whose file
 * is absent comes from node:os, i.e. from uname(2) of the agent's own kernel.
 */
export const unameCollector: CollectorEntry = {
  name: 'uname',
  defaultEnabled: true,
  help: 'Exposes system information as provided by the uname system call.',
  families: [{ name: 'node_uname_info', type: 'gauge', help: 'Labeled system information as provided by the uname system call.' }],
  create: () => ({
    async collect(ctx) {
      const keys = Object.keys(UNAME_KERNEL_FILES) as (keyof Uname)[]
      const texts = await Promise.all(keys.map((k) => readOptional(ctx, ctx.fs.proc('sys/kernel', UNAME_KERNEL_FILES[k]))))
      const labels: Record<string, string> = {}
      keys.forEach((k, i) => {
        const text = texts[i]
        labels[k] = text === undefined ? FALLBACK[k]() : kernelString(text)
      })
      const f = new Families()
      f.gauge('node_uname_info', 'Labeled system information as provided by the uname system call.', 1, labels)
      return f.list()
    },
  }),
}
