import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDetector } from '../../src/detectors/anomaly/detector.ts'
import { loadDetector, saveDetector } from '../../src/detectors/anomaly/detector-file.ts'
import { decodeModel, encodeModel, loadModel, ModelWriteError, MODEL_VERSION, saveModel } from '../../src/detectors/anomaly/model-file.ts'
import { resolveOptions } from '../../src/detectors/anomaly/options.ts'
import { decodeState, encodeState } from '../../src/detectors/anomaly/state-codec.ts'
import { DAY, dailySeries, timeOf } from './synthetic.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'odin-anomaly-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const xs = dailySeries(5 * DAY, 0.5, 3)
xs[4 * DAY + 10] = xs[4 * DAY + 10]! + 20

function trained() {
  const d = createDetector()
  for (let i = 0; i < 3 * DAY; i++) d.observe(timeOf(i), xs[i]!)
  expect(d.state.forest).not.toBeNull()
  return d
}

describe('detector persistence', () => {
  it('round-trips: a restored detector continues exactly like the original', () => {
    const a = trained()
    const path = join(dir, 'series.model')
    saveDetector(path, a)
    const { detector: b, restored } = loadDetector(path)
    expect(restored).toBe(true)
    expect(b.state.calibration).toEqual(a.state.calibration)
    expect(b.state.forest!.nodes).toEqual(a.state.forest!.nodes)
    for (let i = 3 * DAY; i < xs.length; i++) {
      expect(b.observe(timeOf(i), xs[i]!)).toEqual(a.observe(timeOf(i), xs[i]!))
    }
    // It kept retraining on schedule too.
    expect(b.state.trainRound).toBe(a.state.trainRound)
  })

  it('writes atomically: no temp file left, an existing file replaced whole', () => {
    const path = join(dir, 'm.model')
    saveModel(path, { a: 1 })
    saveModel(path, { a: 2 })
    expect(readdirSync(dir)).toEqual(['m.model'])
    expect(loadModel(path)).toEqual({ ok: true, payload: { a: 2 } })
  })

  it('throws a named error when the directory is missing, leaving nothing behind', () => {
    expect(() => saveModel(join(dir, 'nope', 'm.model'), {})).toThrow(ModelWriteError)
    expect(readdirSync(dir)).toEqual([])
  })

  it('stamps the file with its format, version and checksum', () => {
    const path = join(dir, 'm.model')
    saveModel(path, { x: [1, 2, 3] })
    const head = readFileSync(path).subarray(0, 120).toString('latin1').split('\n')[0]!
    expect(head).toMatch(new RegExp(`^odin-anomaly-model ${MODEL_VERSION} sha256=[0-9a-f]{64} bytes=\\d+$`))
  })
})

describe('corrupt or foreign files mean retrain, never a crash', () => {
  const good = encodeModel({ kind: 'x', n: 42 })
  const header = good.indexOf(0x0a)
  const cases: Record<string, Buffer> = {
    empty: Buffer.alloc(0),
    'random text': Buffer.from('hello world\nthis is not a model\n'),
    'a flipped payload byte': (() => {
      const b = Buffer.from(good)
      b[header + 5]! ^= 0xff
      return b
    })(),
    truncated: good.subarray(0, good.length - 3),
    'trailing garbage': Buffer.concat([good, Buffer.from('xx')]),
    'another version': Buffer.from(good.toString('latin1').replace(`model ${MODEL_VERSION} `, 'model 99 '), 'latin1'),
    'a valid header over a non-deflate payload': (() => {
      const body = Buffer.from('{"not":"deflated"}')
      const { createHash } = require('node:crypto') as typeof import('node:crypto')
      const sum = createHash('sha256').update(body).digest('hex')
      return Buffer.concat([Buffer.from(`odin-anomaly-model ${MODEL_VERSION} sha256=${sum} bytes=${body.length}\n`), body])
    })(),
  }
  for (const [name, bytes] of Object.entries(cases)) {
    it(`rejects ${name}`, () => {
      const r = decodeModel(bytes)
      expect(r.ok).toBe(false)
      const path = join(dir, 'bad.model')
      writeFileSync(path, bytes)
      const loaded = loadDetector(path)
      expect(loaded.restored).toBe(false)
      expect(loaded.reason).toBeTruthy()
      // The cold detector works.
      for (let i = 0; i < 200; i++) loaded.detector.observe(timeOf(i), xs[i]!)
      expect(loaded.detector.state.forest).not.toBeNull()
    })
  }

  it('reports a missing file', () => {
    expect(loadModel(join(dir, 'absent.model'))).toEqual({ ok: false, reason: 'no model file' })
  })

  it('rejects a state saved under other options or with a wrong-sized array', () => {
    const d = trained()
    const enc = encodeState(d.state, d.options)
    expect(decodeState(enc, resolveOptions({ window: 1000 }))).toBeNull()
    expect(decodeState(enc, resolveOptions({ features: ['value'] }))).toBeNull()
    const broken = JSON.parse(JSON.stringify(enc)) as { rows: string }
    broken.rows = broken.rows.slice(0, 100)
    expect(decodeState(broken, d.options)).toBeNull()
    expect(decodeState({ ...enc, rowCount: 'many' }, d.options)).toBeNull()
    expect(decodeState(null, d.options)).toBeNull()
    const path = join(dir, 'other.model')
    saveDetector(path, d)
    const loaded = loadDetector(path, { window: 1000 })
    expect(loaded.restored).toBe(false)
    expect(loaded.reason).toBe('model does not fit these options')
  })
})
