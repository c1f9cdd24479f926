import { describe, expect, it } from 'vitest'
import { declarationProblem, type FamilyDecl } from './declared.ts'

const entry = (families: FamilyDecl[], forwards = false) => ({ name: 'x', families, forwards })
const decls: FamilyDecl[] = [
  { name: 'node_load1', type: 'gauge', help: '1m load average.' },
  { name: 'node_memory_*_total', type: 'counter', help: 'Memory information field *_total.' },
  { name: 'node_memory_*', type: 'gauge', help: 'Memory information field *.' },
]

describe('declarationProblem', () => {
  it.each([
    ['an exact name, type and HELP', { name: 'node_load1', type: 'gauge', help: '1m load average.' }, undefined],
    ['a pattern, the first whose name matches', { name: 'node_memory_numa_hit_total', type: 'counter', help: 'Memory information field numa_hit_total.' }, undefined],
    ['a later pattern', { name: 'node_memory_MemFree_bytes', type: 'gauge', help: 'Memory information field MemFree_bytes.' }, undefined],
    ['another HELP', { name: 'node_load1', type: 'gauge', help: 'load' }, /with HELP "load", declared "1m load average."/],
    ['another type', { name: 'node_load1', type: 'counter', help: '1m load average.' }, /as counter, declared gauge/],
    ['a pattern with another type', { name: 'node_memory_x_total', type: 'gauge', help: 'Memory information field x_total.' }, /declared counter \(node_memory_\*_total\)/],
    ['a pattern with other HELP', { name: 'node_memory_MemFree_bytes', type: 'gauge', help: 'free' }, /with HELP "free"/],
    ['an undeclared name', { name: 'node_load2', type: 'gauge', help: '' }, /emits node_load2, which it does not declare/],
    ['a name a star cannot stand for (empty)', { name: 'node_memory_', type: 'gauge', help: 'Memory information field .' }, /does not declare/],
    ['regexp characters in HELP taken literally', { name: 'node_load1', type: 'gauge', help: '1m load averageX' }, /with HELP/],
  ] as const)('%s', (_what, family, want) => {
    const got = declarationProblem(entry(decls), family)
    if (want === undefined) {
      expect(got).toBeUndefined()
    } else {
      expect(got).toMatch(want)
    }
  })

  it('lets a forwarding collector (textfile) emit names it does not declare, but checks those it does', () => {
    expect(declarationProblem(entry(decls, true), { name: 'backup_ok', type: 'gauge', help: 'anything' })).toBeUndefined()
    expect(declarationProblem(entry(decls, true), { name: 'node_load1', type: 'counter', help: '1m load average.' })).toMatch(/declared gauge/)
  })
})
