// The layers of src/: no import runs from a lower layer to a higher one. The order and
// where the shared utilities sit are documented in README.md ("How it works").
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { parseSync } from 'vite'
import { describe, expect, it } from 'vitest'

const SRC = resolve(import.meta.dirname, '..', 'src')

/**
 * Lowest first. A module may import its own layer and any layer below it. A top-level
 * folder of src/ is a unit; so is a top-level file (by its name without `.ts`).
 * The shared utilities: log, version, security and assets import nothing of src/; metrics
 * and config import only those. They sit below platform so that they stay runtime-neutral
 * and every layer above may use them.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['procfs'],
  ['log', 'version', 'security', 'assets'],
  ['metrics', 'config'],
  ['platform'],
  ['process', 'gpu', 'containers'],
  ['collectors', 'detectors'],
  ['sampler'],
  ['server'],
  ['agent'],
  ['cli', 'main-thread', 'main'],
]

/**
 * Files of platform/ that bind the runtime (Bun.*, which lives only in platform/ and the
 * entry) to the layers above; only main.ts and main-thread.ts import them, so they sit at
 * the top.
 */
const EDGE: ReadonlyMap<string, string> = new Map([
  ['platform/collector-worker.ts', 'the collector thread: its JIT policy and Bun.gc around the collectors and the collector host'],
  ['platform/web-config-watch.ts', "Bun.password's bcrypt for the server's web config"],
])

/**
 * Upward imports still allowed, each with what removes it. An entry that no longer occurs
 * fails the test, so the list only shrinks.
 */
const ALLOWED: ReadonlyMap<string, string> = new Map<string, string>([])

/** Relative module specifiers of a TypeScript file: imports, re-exports, dynamic imports with a literal. */
function importsOf(file: string, source: string): string[] {
  const { module: m, errors } = parseSync(file, source)
  if (errors.length > 0) throw new Error(`${file}: ${errors[0]?.message}`)
  const specs = [
    ...m.staticImports.map((i) => i.moduleRequest.value),
    ...m.staticExports.flatMap((e) => e.entries.flatMap((x) => (x.moduleRequest ? [x.moduleRequest.value] : []))),
    ...m.dynamicImports
      .map((d) => source.slice(d.moduleRequest.start, d.moduleRequest.end))
      .flatMap((s) => {
        const literal = /^(['"`])([^'"`$]*)\1$/.exec(s)
        return literal?.[2] === undefined ? [] : [literal[2]]
      }),
  ]
  return specs.filter((s) => s.startsWith('.'))
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : []
  })
}

const rel = (path: string) => relative(SRC, path).split(sep).join('/')
const unitOf = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : file.replace(/\.ts$/, ''))
const rankOf = new Map(LAYERS.flatMap((units, rank) => units.map((u) => [u, rank] as const)))
const TOP = LAYERS.length - 1

function layerOf(file: string): number {
  if (EDGE.has(file)) return TOP
  const rank = rankOf.get(unitOf(file))
  if (rank === undefined) throw new Error(`src/${file}: ${unitOf(file)} has no layer; add it to LAYERS (test/layers.test.ts) and to README's map`)
  return rank
}

/** Whether the program refers to the global `Bun` or imports the `bun` module (comments and strings do not count). */
function usesBun(file: string, source: string): boolean {
  const { program, module: m } = parseSync(file, source)
  if (m.staticImports.some((i) => i.moduleRequest.value === 'bun' || i.moduleRequest.value.startsWith('bun:'))) return true
  const stack: unknown[] = [program]
  while (stack.length > 0) {
    const node = stack.pop()
    if (Array.isArray(node)) {
      stack.push(...node)
    } else if (node !== null && typeof node === 'object') {
      const n = node as { type?: unknown; name?: unknown }
      if (n.type === 'Identifier' && n.name === 'Bun') return true
      stack.push(...Object.values(node))
    }
  }
  return false
}

/** Where `Bun.*` may appear: the platform layer and the entry. */
const BUN_ALLOWED = (file: string) => file.startsWith('platform/') || file === 'main.ts' || file === 'main-thread.ts'

interface Edge {
  readonly from: string
  readonly to: string
}

function edges(): Edge[] {
  return sourceFiles(SRC).flatMap((path) => {
    const from = rel(path)
    return importsOf(path, readFileSync(path, 'utf8'))
      .map((spec) => rel(resolve(dirname(path), spec)))
      .filter((to) => !to.startsWith('..'))
      .map((to) => ({ from, to }))
  })
}

describe('importsOf', () => {
  it('finds imports, type imports, re-exports and literal dynamic imports, and nothing in comments or strings', () => {
    const code = [
      "import { a } from './a.ts'",
      "import type { B } from '../b/b.ts'",
      "import './side.ts'",
      "export { c } from './c.ts'",
      "export * from './d.ts'",
      "export type { E } from './e.ts'",
      "const f = await import('./f.ts')",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal
      'const g = await import(`./${name}.ts`)',
      "// import { h } from './h.ts'",
      'const s = "import { i } from \'./i.ts\'"',
      "import { readFileSync } from 'node:fs'",
    ].join('\n')
    expect(importsOf('x.ts', code).sort()).toEqual(['../b/b.ts', './a.ts', './c.ts', './d.ts', './e.ts', './f.ts', './side.ts'])
  })
})

describe('layers of src/', () => {
  const all = edges()

  it('every unit of src/ has a layer', () => {
    for (const path of sourceFiles(SRC)) expect(() => layerOf(rel(path))).not.toThrow()
  })

  it('no import runs from a lower layer to a higher one', () => {
    const upward = all
      .filter((e) => layerOf(e.to) > layerOf(e.from) && !ALLOWED.has(`${e.from} -> ${e.to}`))
      .map((e) => `src/${e.from} (${unitOf(e.from)}) imports src/${e.to} (${unitOf(e.to)})`)
    expect(upward).toEqual([])
  })

  it('the edge files of platform/ are imported only from the top layer', () => {
    const importers = all.filter((e) => EDGE.has(e.to) && layerOf(e.from) < TOP && !EDGE.has(e.from)).map((e) => `${e.from} -> ${e.to}`)
    expect(importers).toEqual([])
  })

  it('procfs/ imports nothing outside procfs/', () => {
    expect(all.filter((e) => unitOf(e.from) === 'procfs' && unitOf(e.to) !== 'procfs').map((e) => `${e.from} -> ${e.to}`)).toEqual([])
  })

  it("README's map (How it works) names every folder and top-level file of src/", () => {
    const readme = readFileSync(resolve(SRC, '..', 'README.md'), 'utf8')
    const section = /^## How it works\n\n```\n([\s\S]*?)```/m.exec(readme)?.[1] ?? ''
    const missing: string[] = []
    const visit = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        const r = rel(path)
        if (statSync(path).isDirectory()) {
          // Top-level folders by path; nested ones by name on their parent's line.
          if (!section.includes(r.includes('/') ? `${name}/` : `src/${r}/`)) missing.push(`src/${r}/`)
          visit(path)
        } else if (dir === SRC && !section.includes(name)) {
          missing.push(`src/${r}`)
        }
      }
    }
    visit(SRC)
    expect(missing).toEqual([])
  })

  it('Bun.* appears only in platform/ and the entry (main.ts, main-thread.ts)', () => {
    const outside = sourceFiles(SRC)
      .map(rel)
      .filter((f) => !BUN_ALLOWED(f) && usesBun(f, readFileSync(join(SRC, f), 'utf8')))
    expect(outside).toEqual([])
    expect(usesBun('x.ts', 'const v = Bun.version')).toBe(true)
    expect(usesBun('x.ts', "import { dlopen } from 'bun:ffi'")).toBe(true)
    expect(usesBun('x.ts', "// Bun.gc()\nconst s = 'Bun.gc()'")).toBe(false)
  })

  it('every allowed exception still occurs (remove it once fixed)', () => {
    const seen = new Set(all.map((e) => `${e.from} -> ${e.to}`))
    expect([...ALLOWED.keys()].filter((k) => !seen.has(k))).toEqual([])
  })
})
