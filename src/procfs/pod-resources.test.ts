import { describe, expect, it } from 'vitest'
import { bytesField, concat, listResponse, varintField } from '../../test/helpers/pod-resources.ts'
import { gpuOwners, parseListPodResourcesResponse, PodResourcesParseError } from './pod-resources.ts'

const GPU0 = 'GPU-11111111-2222-3333-4444-000000000000'
const GPU1 = 'GPU-11111111-2222-3333-4444-000000000001'
const MIG = 'MIG-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'

describe('parseListPodResourcesResponse', () => {
  it('reads pods, containers and their devices, skipping cpu_ids, topology and unknown fields', () => {
    const msg = concat(
      listResponse([
        { namespace: 'ml', pod: 'llama-0', containers: [{ name: 'train', devices: [{ resource: 'nvidia.com/gpu', ids: [GPU0, GPU1] }], cpuIds: [2, 3, 300] }] },
        { namespace: 'kube-system', pod: 'coredns-1', containers: [{ name: 'coredns', devices: [] }] },
      ]),
      varintField(9, 12345),
    )
    expect(parseListPodResourcesResponse(msg)).toEqual([{ namespace: 'ml', pod: 'llama-0', container: 'train', resourceName: 'nvidia.com/gpu', deviceIds: [GPU0, GPU1] }])
  })

  it('an empty answer is no pod', () => {
    expect(parseListPodResourcesResponse(new Uint8Array(0))).toEqual([])
  })

  it.each([
    ['a truncated length', Uint8Array.from([0x0a, 0x05, 0x01])],
    ['a truncated varint', Uint8Array.from([0x08, 0xff])],
    ['a varint over 10 bytes', Uint8Array.from([0x08, ...Array(11).fill(0xff)])],
    ['a truncated fixed64', Uint8Array.from([0x09, 1, 2, 3])],
    ['wire type 3 (groups)', Uint8Array.from([0x0b])],
    ['field number 0', Uint8Array.from([0x02, 0x00])],
    ['a pod whose nested container is truncated', bytesField(1, Uint8Array.from([0x1a, 0x09, 0x0a]))],
  ])('throws on %s', (_n, msg) => {
    expect(() => parseListPodResourcesResponse(msg)).toThrow(PodResourcesParseError)
  })
})

describe('gpuOwners', () => {
  const alloc = (pod: string, container: string, resourceName: string, deviceIds: string[]) => ({ namespace: 'ml', pod, container, resourceName, deviceIds })

  it('maps each GPU or MIG UUID to its one container; time-slicing replicas count as their GPU', () => {
    const owners = gpuOwners([
      alloc('a', 'x', 'nvidia.com/gpu', [GPU0]),
      alloc('b', 'y', 'nvidia.com/mig-1g.10gb', [MIG]),
      alloc('c', 'z', 'nvidia.com/gpu', [`${GPU1}::0`, `${GPU1}::3`]),
    ])
    expect(Object.fromEntries(owners)).toEqual({
      [GPU0]: { namespace: 'ml', pod: 'a', container: 'x' },
      [MIG]: { namespace: 'ml', pod: 'b', container: 'y' },
      [GPU1]: { namespace: 'ml', pod: 'c', container: 'z' },
    })
  })

  it("gives no owner to a GPU shared by two containers, nor to other vendors' devices", () => {
    const owners = gpuOwners([
      alloc('a', 'x', 'nvidia.com/gpu', [`${GPU0}::0`]),
      alloc('b', 'y', 'nvidia.com/gpu', [`${GPU0}::1`]),
      alloc('c', 'z', 'amd.com/gpu', [GPU1]),
      alloc('d', 'w', 'nvidia.com/gpu', ['']),
    ])
    expect(owners.size).toBe(0)
  })
})
