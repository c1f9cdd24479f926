/**
 * The kubelet pod-resources API's ListPodResourcesResponse (k8s.io/kubelet
 * pkg/apis/podresources/v1/api.proto), decoded by hand from protobuf wire format: only
 * the fields GPU attribution needs, every other field skipped by its wire type.
 *
 *   ListPodResourcesResponse { repeated PodResources pod_resources = 1; }
 *   PodResources { string name = 1; string namespace = 2; repeated ContainerResources containers = 3; }
 *   ContainerResources { string name = 1; repeated ContainerDevices devices = 2; ... }
 *   ContainerDevices { string resource_name = 1; repeated string device_ids = 2; ... }
 *
 * Throws PodResourcesParseError on a truncated or malformed message (never reads past it).
 */

export interface DeviceAllocation {
  readonly namespace: string
  readonly pod: string
  readonly container: string
  readonly resourceName: string
  readonly deviceIds: readonly string[]
}

export class PodResourcesParseError extends Error {
  override readonly name = 'PodResourcesParseError'
}

const decoder = new TextDecoder('utf-8', { fatal: false })

/** Most nested messages or strings read per response (a hostile message cannot loop us long). */
const MAX_FIELDS = 1_000_000

interface Field {
  readonly no: number
  readonly bytes?: Uint8Array
}

function* fields(buf: Uint8Array, budget: { left: number }): Generator<Field> {
  let i = 0
  const varint = (): number => {
    let v = 0
    let mul = 1
    for (let n = 0; n < 10; n++) {
      if (i >= buf.length) throw new PodResourcesParseError('truncated varint')
      const b = buf[i++] as number
      v += (b & 0x7f) * mul
      if ((b & 0x80) === 0) return v
      mul *= 128
    }
    throw new PodResourcesParseError('varint too long')
  }
  while (i < buf.length) {
    if (--budget.left < 0) throw new PodResourcesParseError('too many fields')
    const key = varint()
    const no = Math.floor(key / 8)
    const wire = key % 8
    if (no === 0) throw new PodResourcesParseError('field number 0')
    if (wire === 0) varint()
    else if (wire === 1 || wire === 5) {
      i += wire === 1 ? 8 : 4
      if (i > buf.length) throw new PodResourcesParseError('truncated fixed field')
    } else if (wire === 2) {
      const len = varint()
      if (i + len > buf.length) throw new PodResourcesParseError('truncated length-delimited field')
      yield { no, bytes: buf.subarray(i, i + len) }
      i += len
      continue
    } else throw new PodResourcesParseError(`unsupported wire type ${wire}`)
    yield { no }
  }
}

export function parseListPodResourcesResponse(buf: Uint8Array): DeviceAllocation[] {
  const budget = { left: MAX_FIELDS }
  const out: DeviceAllocation[] = []
  const text = (b: Uint8Array | undefined) => (b === undefined ? '' : decoder.decode(b))
  for (const podField of fields(buf, budget)) {
    if (podField.no !== 1 || podField.bytes === undefined) continue
    let pod = ''
    let namespace = ''
    const containers: Uint8Array[] = []
    for (const f of fields(podField.bytes, budget)) {
      if (f.no === 1) pod = text(f.bytes)
      else if (f.no === 2) namespace = text(f.bytes)
      else if (f.no === 3 && f.bytes) containers.push(f.bytes)
    }
    for (const c of containers) {
      let container = ''
      const devices: Uint8Array[] = []
      for (const f of fields(c, budget)) {
        if (f.no === 1) container = text(f.bytes)
        else if (f.no === 2 && f.bytes) devices.push(f.bytes)
      }
      for (const d of devices) {
        let resourceName = ''
        const deviceIds: string[] = []
        for (const f of fields(d, budget)) {
          if (f.no === 1) resourceName = text(f.bytes)
          else if (f.no === 2) deviceIds.push(text(f.bytes))
        }
        if (pod !== '' && namespace !== '' && container !== '' && resourceName !== '') out.push({ namespace, pod, container, resourceName, deviceIds })
      }
    }
  }
  return out
}

export interface GpuOwner {
  readonly namespace: string
  readonly pod: string
  readonly container: string
}

/**
 * GPU (or MIG) UUID → the one container it is allocated to, from the NVIDIA device plugin's
 * resources (`nvidia.com/gpu`, `nvidia.com/mig-*`, any `nvidia.com/` name). A shared GPU's
 * replicas (`GPU-<uuid>::<n>`, time-slicing) count as that GPU; a GPU allocated to more than
 * one container gets no owner, as dcgm-exporter labels only what it can attribute.
 */
export function gpuOwners(allocations: readonly DeviceAllocation[]): Map<string, GpuOwner> {
  const owners = new Map<string, GpuOwner | null>()
  for (const a of allocations) {
    if (!a.resourceName.startsWith('nvidia.com/')) continue
    for (const raw of a.deviceIds) {
      const uuid = raw.split('::')[0] as string
      if (uuid === '') continue
      const prev = owners.get(uuid)
      const owner = { namespace: a.namespace, pod: a.pod, container: a.container }
      if (prev === undefined) owners.set(uuid, owner)
      else if (prev !== null && (prev.namespace !== owner.namespace || prev.pod !== owner.pod || prev.container !== owner.container)) owners.set(uuid, null)
    }
  }
  const out = new Map<string, GpuOwner>()
  for (const [uuid, o] of owners) if (o !== null) out.set(uuid, o)
  return out
}
