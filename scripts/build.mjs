#!/usr/bin/env node
// Compiles the agent into one binary: dist/odin-agent. Version and git revision are
// injected with --define; nothing is read from package.json at run time.
import { execFileSync } from 'node:child_process'
import { readFileSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join, dirname, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const version = process.env.ODIN_VERSION ?? JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version
let revision = process.env.ODIN_REVISION ?? 'unknown'
if (!process.env.ODIN_REVISION) {
  try {
    revision = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
  } catch {
    // not a git checkout: keep "unknown"
  }
}
const outfile = process.argv[2] ?? join(root, 'dist', 'odin-agent')
mkdirSync(dirname(outfile), { recursive: true })

// Rules, dashboards and manifests travel inside the binary as embedded files.
function files(dir) {
  const out = []
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) {
        walk(p)
      } else {
        out.push(relative(root, p))
      }
    }
  }
  try {
    walk(join(root, dir))
  } catch {
    // folder not there yet
  }
  return out
}
const assets = ['rules', 'dashboards', 'k8s'].flatMap(files)

const require = createRequire(import.meta.url)
const bun = join(dirname(require.resolve('bun/package.json')), 'bin', 'bun.exe')
const args = [
  'build',
  '--compile',
  '--minify-syntax',
  '--minify-whitespace',
  '--target=bun',
  `--define=ODIN_VERSION=${JSON.stringify(version)}`,
  `--define=ODIN_REVISION=${JSON.stringify(revision)}`,
  '--asset-naming=[dir]/[name].[ext]',
  'src/main.ts',
  ...assets,
  '--outfile',
  outfile,
]
execFileSync(bun, args, { cwd: root, stdio: 'inherit' })
console.log(`built ${relative(process.cwd(), outfile)} (version ${version}, revision ${revision}, ${assets.length} embedded assets)`)
