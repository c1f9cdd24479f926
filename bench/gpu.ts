// Cost of the GPU collector's own work, against peers measured in the same run:
//  1. parse + map one `nvidia-smi -q -x` capture (ours: <supported_clocks> cut before
//     parsing; peer: the same fast-xml-parser on the whole document);
//  2. start one child without a shell (ours) vs through /bin/sh as node-nvidia-smi does.
// What nvidia-smi itself costs (-q -x vs --query-gpu CSV) needs a GPU: see docs/gpu.md.
// Run: npx bun bench/gpu.ts [--iterations 200]
import { exec as shellExec } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { addReportFamilies } from '../src/gpu/gpu-families.ts'
import { parseNvidiaSmiXml } from '../src/gpu/nvidia-smi-xml.ts'
import { Families } from '../src/metrics/families.ts'
import { execFileNoShell } from '../src/platform/exec.ts'

const N = Number(process.argv[process.argv.indexOf('--iterations') + 1]) || 200
const root = join(import.meta.dir, '..')
const peerDir = join(root, '../shared/peer/nvidia-smi')

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
function time(fn: () => void, n = N): number {
  for (let i = 0; i < Math.min(20, n); i++) {
    fn()
  }
  const xs: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    fn()
    xs.push(performance.now() - t0)
  }
  return median(xs)
}

const captures: [string, string][] = []
for (const f of readdirSync(join(root, 'test/fixtures/nvidia-smi')).filter((f) => f.endsWith('.xml'))) {
  captures.push([`ours/${f}`, readFileSync(join(root, 'test/fixtures/nvidia-smi', f), 'utf8')])
}
for (const sub of ['telegraf', 'netdata']) {
  if (existsSync(join(peerDir, sub))) {
    for (const f of readdirSync(join(peerDir, sub)).filter((f) => f.endsWith('.xml'))) {
      captures.push([`${sub}/${f}`, readFileSync(join(peerDir, sub, f), 'utf8')])
    }
  }
}

const whole = new XMLParser({ ignoreAttributes: false, parseTagValue: false, trimValues: true })
console.log(`parse + map per capture (median of ${N}); peer = validate + parse the whole document`)
console.log('capture                                   KiB  GPUs   ours ms   peer ms  peer/ours')
let sumOurs = 0
let sumPeer = 0
for (const [name, xml] of captures) {
  const gpus = parseNvidiaSmiXml(xml).gpus.length
  const ours = time(() => addReportFamilies(new Families(), parseNvidiaSmiXml(xml), 100))
  const peer = time(() => {
    XMLValidator.validate(xml)
    whole.parse(xml)
  })
  sumOurs += ours
  sumPeer += peer
  console.log(
    `${name.padEnd(40)} ${(xml.length / 1024).toFixed(1).padStart(5)} ${String(gpus).padStart(5)} ${ours.toFixed(3).padStart(9)} ${peer.toFixed(3).padStart(9)} ${(peer / ours).toFixed(2).padStart(10)}`,
  )
}
console.log(`total over ${captures.length} captures: ours ${sumOurs.toFixed(2)} ms, peer ${sumPeer.toFixed(2)} ms, peer/ours ${(sumPeer / sumOurs).toFixed(2)}`)

const SPAWNS = Math.min(N, 100)
async function timeAsync(fn: () => Promise<unknown>, n: number): Promise<number> {
  for (let i = 0; i < 5; i++) {
    await fn()
  }
  const xs: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await fn()
    xs.push(performance.now() - t0)
  }
  return median(xs)
}
const direct = await timeAsync(() => execFileNoShell('/bin/true', [], { timeoutMs: 5000 }), SPAWNS)
const viaShell = await timeAsync(() => new Promise((resolve) => shellExec('true -q -x', () => resolve(undefined))), SPAWNS)
console.log(
  `\nstart and reap one child (median of ${SPAWNS}): no shell ${direct.toFixed(2)} ms, via /bin/sh ${viaShell.toFixed(2)} ms, shell/ours ${(viaShell / direct).toFixed(2)}`,
)
