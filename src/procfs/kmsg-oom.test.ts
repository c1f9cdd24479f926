import { describe, expect, it } from 'vitest'
import { parseOomKillMessage } from './kmsg-oom.ts'

const V1_POD = '/kubepods/burstable/pod0d1e0000-0000-4000-8000-000000015221/0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e5221'
const V2_SCOPE = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod6b3e1f2a_0c4d_4e5f_8a9b_0c1d2e3f4a5b.slice/cri-containerd-${'ab'.repeat(32)}.scope`

describe('parseOomKillMessage', () => {
  it.each([
    [
      'a cgroup v1 pod container at its limit (this machine, kernel 6.18)',
      `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${V1_POD},task_memcg=${V1_POD},task=tail,pid=15347,uid=0`,
      { constraint: 'CONSTRAINT_MEMCG', oomMemcg: V1_POD, taskMemcg: V1_POD, pid: 15347 },
    ],
    [
      'a v2 systemd scope; the limit was the pod slice',
      `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-${'ab'.repeat(32)}.scope,mems_allowed=0-1,oom_memcg=/kubepods.slice/kubepods-burstable.slice,task_memcg=${V2_SCOPE},task=python3,pid=4242,uid=1000`,
      { constraint: 'CONSTRAINT_MEMCG', oomMemcg: '/kubepods.slice/kubepods-burstable.slice', taskMemcg: V2_SCOPE, pid: 4242 },
    ],
    [
      'a host-wide OOM (no oom_memcg)',
      `oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=${V1_POD},task=java,pid=7,uid=0`,
      { constraint: 'CONSTRAINT_NONE', oomMemcg: undefined, taskMemcg: V1_POD, pid: 7 },
    ],
    [
      'a hostile comm with commas and key=value text cannot move the path',
      `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a/b,task=x,task=/evil,pid=1,pid=99,uid=0`,
      { constraint: 'CONSTRAINT_MEMCG', oomMemcg: '/a', taskMemcg: '/a/b', pid: 99 },
    ],
    [
      'the root cgroup',
      'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=a,pid=2,uid=0',
      { constraint: 'CONSTRAINT_NONE', oomMemcg: undefined, taskMemcg: '/', pid: 2 },
    ],
  ])('%s', (_, line, want) => {
    expect(parseOomKillMessage(line)).toEqual(want)
  })

  it.each([
    ['the killed-process line that follows', 'Memory cgroup out of memory: Killed process 15347 (tail) total-vm:44316kB, anon-rss:32000kB'],
    ['an Xid line', 'NVRM: Xid (PCI:0000:18:00): 13, pid=412233, name=python3'],
    ['empty', ''],
    ['the prefix alone', 'oom-kill:'],
    ['no constraint', `oom-kill:nodemask=(null),task_memcg=${V1_POD},task=tail,pid=1,uid=0`],
    ['truncated before task=', `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,task_memcg=${V1_POD}`],
    ['truncated inside uid', `oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=${V1_POD},task=tail,pid=1,uid=`],
    ['no pid', `oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=${V1_POD},task=tail,uid=0`],
    ['a relative path', 'oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=kubepods/x,task=tail,pid=1,uid=0'],
    ['an overlong pid', `oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=${V1_POD},task=tail,pid=123456789012,uid=0`],
    ['a line over 8 KiB', `oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/${'a'.repeat(9000)},task=tail,pid=1,uid=0`],
    ['NUL bytes in place of the fields', 'oom-kill:\u0000\u0000\u0000'],
    ['a leading space (a continuation line)', ` oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=${V1_POD},task=tail,pid=1,uid=0`],
  ])('rejects %s', (_, line) => {
    expect(parseOomKillMessage(line)).toBeUndefined()
  })
})
