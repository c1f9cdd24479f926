import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { GPU_FIELDS, MIG_FIELDS, THROTTLE_COUNTERS, THROTTLE_REASONS, convert } from './fields.ts'
import type { FieldSource, GpuField } from './fields.ts'
import { pciKey } from './pci.ts'
import { parseSmiFlag, parseSmiNumber, parseSmiPstate, smiText } from './values.ts'

export interface GpuProcess {
  /** Program name only (basename of the first word): never arguments, never a PID. */
  readonly name: string
  readonly usedBytes: number
}

/** A process's host PID (nvidia-smi prints host PIDs) and memory: attributed to containers, never a label. */
export interface GpuProcessPid {
  readonly pid: number
  readonly usedBytes: number
}

export interface MigInstance {
  readonly gpuInstanceId: string
  /** `<slices>g.<GiB>gb`, derived (see docs/gpu.md); '' when the capture lacks the parts. */
  readonly profile: string
  readonly values: ReadonlyMap<string, number>
}

export interface GpuReading {
  readonly index: number
  readonly uuid: string
  readonly name: string
  /** dcgm-exporter's `device` label: `nvidia<minor number>`. */
  readonly device: string
  /** `dddd:bb:dd` (see pci.ts), '' when the capture has no PCI address. */
  readonly pci: string
  readonly vbiosVersion: string
  /** Metric name -> value, in the metric's unit (GPU_FIELDS plus the throttle bitmask). */
  readonly values: ReadonlyMap<string, number>
  /** Throttle reason -> 1 active / 0 not active; reasons the capture lacks are absent. */
  readonly throttleReasons: ReadonlyMap<string, number>
  /** Throttle reason -> total seconds (schema v13 counters). */
  readonly throttleSeconds: ReadonlyMap<string, number>
  readonly mig: readonly MigInstance[]
  /** Summed per program name, largest first. */
  readonly processes: readonly GpuProcess[]
  /** Per host PID, for odin_gpu_container_memory_bytes (src/gpu/gpu-containers.ts); absent in hand-built readings. */
  readonly processPids?: readonly GpuProcessPid[]
}

export interface NvidiaSmiReport {
  readonly driverVersion: string
  readonly cudaVersion: string
  readonly gpus: readonly GpuReading[]
}

/** nvidia-smi printed something that is not a complete `-q -x` document. */
export class NvidiaSmiParseError extends Error {
  override readonly name = 'NvidiaSmiParseError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => name === 'gpu' || name === 'mig_device' || name === 'process_info',
})

/**
 * Parses `nvidia-smi -q -x` output (schemas v10 to v13, with or without DOCTYPE). Throws
 * NvidiaSmiParseError on truncated or malformed XML; a field nvidia-smi could not read is
 * left out, never reported as 0.
 */
export function parseNvidiaSmiXml(xml: string): NvidiaSmiReport {
  // <supported_clocks> is most of the document on many boards and nothing reads it.
  const text = stripElement(xml, 'supported_clocks')
  const valid = XMLValidator.validate(text)
  if (valid !== true) {
    throw new NvidiaSmiParseError(`couldn't parse nvidia-smi -q -x output: ${valid.err.msg} (line ${valid.err.line})`)
  }
  let doc: unknown
  try {
    doc = parser.parse(text)
  } catch (err) {
    throw new NvidiaSmiParseError(`couldn't parse nvidia-smi -q -x output: ${(err as Error).message}`, { cause: err })
  }
  const root = child(doc, 'nvidia_smi_log')
  if (root === undefined || typeof root !== 'object') {
    throw new NvidiaSmiParseError("couldn't parse nvidia-smi -q -x output: no <nvidia_smi_log> element")
  }
  const gpuNodes = child(root, 'gpu')
  const gpus = Array.isArray(gpuNodes) ? gpuNodes.map((node, index) => readGpu(node, index)) : []
  return {
    driverVersion: smiText(textAt(root, 'driver_version')),
    cudaVersion: smiText(textAt(root, 'cuda_version')),
    gpus,
  }
}

function readGpu(node: unknown, index: number): GpuReading {
  const values = readFields(node, GPU_FIELDS)
  const throttleReasons = new Map<string, number>()
  let mask = 0
  for (const { reason, bit } of THROTTLE_REASONS) {
    const v = lastPresent([`clocks_throttle_reasons/clocks_throttle_reason_${reason}`, `clocks_event_reasons/clocks_event_reason_${reason}`], node, parseSmiFlag)
    if (v !== undefined) {
      throttleReasons.set(reason, v)
      mask |= v ? bit : 0
    }
  }
  if (throttleReasons.size > 0) {
    values.set('DCGM_FI_DEV_CLOCK_THROTTLE_REASONS', mask)
  }
  const throttleSeconds = new Map<string, number>()
  for (const { element, reason } of THROTTLE_COUNTERS) {
    const v = parseSmiNumber(textAt(node, `clocks_event_reasons_counters/${element}`))
    if (v !== undefined) {
      throttleSeconds.set(reason, v / 1e6)
    }
  }
  const minor = parseSmiNumber(textAt(node, 'minor_number'))
  const busId = smiText(textAt(node, 'pci/pci_bus_id')) || smiText(textAt(node, '@_id'))
  return {
    index,
    uuid: smiText(textAt(node, 'uuid')),
    name: smiText(textAt(node, 'product_name')),
    device: `nvidia${minor ?? index}`,
    pci: pciKey(busId) ?? '',
    vbiosVersion: smiText(textAt(node, 'vbios_version')),
    values,
    throttleReasons,
    throttleSeconds,
    mig: readMig(node),
    processes: readProcesses(node),
    processPids: readProcessPids(node),
  }
}

function readProcessPids(gpu: unknown): GpuProcessPid[] {
  const nodes = child(child(gpu, 'processes'), 'process_info')
  if (!Array.isArray(nodes)) {
    return []
  }
  const out: GpuProcessPid[] = []
  for (const node of nodes) {
    const pid = parseSmiNumber(textAt(node, 'pid'))
    const mib = parseSmiNumber(textAt(node, 'used_memory'))
    if (pid !== undefined && Number.isSafeInteger(pid) && pid > 0 && mib !== undefined) {
      out.push({ pid, usedBytes: mib * 1024 * 1024 })
    }
  }
  return out
}

function readMig(gpu: unknown): MigInstance[] {
  const nodes = child(child(gpu, 'mig_devices'), 'mig_device')
  if (!Array.isArray(nodes)) {
    return []
  }
  const seen = new Set<string>()
  const out: MigInstance[] = []
  for (const node of nodes) {
    const id = smiText(textAt(node, 'gpu_instance_id'))
    // Several compute instances of one GPU instance repeat the same GI-level memory.
    if (id === '' || seen.has(id)) {
      continue
    }
    seen.add(id)
    const slices = parseSmiNumber(textAt(node, 'device_attributes/shared/copy_engine_count'))
    const totalMiB = parseSmiNumber(textAt(node, 'fb_memory_usage/total'))
    const profile = slices && totalMiB ? `${slices}g.${Math.ceil(totalMiB / 1024)}gb` : ''
    out.push({ gpuInstanceId: id, profile, values: readFields(node, MIG_FIELDS) })
  }
  return out
}

function readProcesses(gpu: unknown): GpuProcess[] {
  const nodes = child(child(gpu, 'processes'), 'process_info')
  if (!Array.isArray(nodes)) {
    return []
  }
  const byName = new Map<string, number>()
  for (const node of nodes) {
    const mib = parseSmiNumber(textAt(node, 'used_memory'))
    if (mib === undefined) {
      continue
    }
    const name = programName(smiText(textAt(node, 'process_name')))
    byName.set(name, (byName.get(name) ?? 0) + mib * 1024 * 1024)
  }
  return [...byName].map(([name, usedBytes]) => ({ name, usedBytes })).sort((a, b) => b.usedBytes - a.usedBytes || (a.name < b.name ? -1 : 1))
}

/**
 * nvidia-smi prints a process's whole command line (tokens, URLs and all). The label keeps
 * the program's base name only.
 */
export function programName(commandLine: string): string {
  const first = commandLine.trim().split(/\s+/, 1)[0] ?? ''
  const base = first.slice(first.lastIndexOf('/') + 1)
  const clean = base.replace(/[^\x20-\x7e]/g, '').slice(0, 64)
  return clean === '' ? 'unknown' : clean
}

function readFields(node: unknown, fields: readonly GpuField[]): Map<string, number> {
  const values = new Map<string, number>()
  let model: { architecture: string; productName: string } | undefined
  for (const field of fields) {
    const parse = field.kind === 'flag' ? parseSmiFlag : field.kind === 'pstate' ? parseSmiPstate : parseSmiNumber
    if (field.sourcesFor) {
      model ??= { architecture: smiText(textAt(node, 'product_architecture')), productName: smiText(textAt(node, 'product_name')) }
    }
    const v = lastPresent(field.sourcesFor && model ? field.sourcesFor(model) : field.sources, node, parse)
    if (v !== undefined) {
      values.set(field.metric, convert(field, v))
    }
  }
  return values
}

/** The last source with a value wins; a list source sums its members that are present. */
function lastPresent(sources: readonly FieldSource[], node: unknown, parse: (t: string | undefined) => number | undefined): number | undefined {
  let found: number | undefined
  for (const source of sources) {
    if (typeof source === 'string') {
      found = parse(textAt(node, source)) ?? found
      continue
    }
    let sum: number | undefined
    for (const path of source) {
      const v = parse(textAt(node, path))
      if (v !== undefined) {
        sum = (sum ?? 0) + v
      }
    }
    found = sum ?? found
  }
  return found
}

/** Own-property child lookup: a tag named `toString` never reaches Object.prototype. */
function child(node: unknown, key: string): unknown {
  if (node !== null && typeof node === 'object' && !Array.isArray(node) && Object.hasOwn(node, key)) {
    return (node as Record<string, unknown>)[key]
  }
  return undefined
}

function textAt(node: unknown, path: string): string | undefined {
  let cur: unknown = node
  for (const key of path.split('/')) {
    cur = child(Array.isArray(cur) ? cur[0] : cur, key)
    if (cur === undefined) {
      return undefined
    }
  }
  if (Array.isArray(cur)) {
    cur = cur[0]
  }
  if (typeof cur === 'string') {
    return cur
  }
  const inner = child(cur, '#text')
  return typeof inner === 'string' ? inner : undefined
}

function stripElement(xml: string, tag: string): string {
  const open = `<${tag}>`
  const close = `</${tag}>`
  let out = ''
  let pos = 0
  for (;;) {
    const start = xml.indexOf(open, pos)
    if (start < 0) {
      break
    }
    const end = xml.indexOf(close, start)
    if (end < 0) {
      break
    }
    out += xml.slice(pos, start)
    pos = end + close.length
  }
  return pos === 0 ? xml : out + xml.slice(pos)
}
