import { createServer } from 'node:http2'
import type { Http2Server, ServerHttp2Stream } from 'node:http2'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

/** Hand-written protobuf (wire types 0 and 2 only), for the kubelet pod-resources messages. */
export function varint(n: number): number[] {
  const out: number[] = []
  let v = n
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
  return out
}
export function bytesField(no: number, body: Uint8Array | string): Uint8Array {
  const b = typeof body === 'string' ? new TextEncoder().encode(body) : body
  return Uint8Array.from([...varint((no << 3) | 2), ...varint(b.length), ...b])
}
export function varintField(no: number, v: number): Uint8Array {
  return Uint8Array.from([...varint(no << 3), ...varint(v)])
}
export function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]))
}

export interface PodAlloc {
  readonly namespace: string
  readonly pod: string
  readonly containers: readonly {
    readonly name: string
    readonly devices: readonly { readonly resource: string; readonly ids: readonly string[] }[]
    readonly cpuIds?: readonly number[]
  }[]
}

/** A ListPodResourcesResponse as the kubelet encodes it (with cpu_ids and topology for good measure). */
export function listResponse(pods: readonly PodAlloc[]): Uint8Array {
  return concat(
    ...pods.map((p) =>
      bytesField(
        1,
        concat(
          bytesField(1, p.pod),
          bytesField(2, p.namespace),
          ...p.containers.map((c) =>
            bytesField(
              3,
              concat(
                bytesField(1, c.name),
                ...c.devices.map((d) => bytesField(2, concat(bytesField(1, d.resource), ...d.ids.map((id) => bytesField(2, id)), bytesField(3, bytesField(1, varintField(1, 0)))))),
                ...(c.cpuIds?.length ? [bytesField(3, Uint8Array.from(c.cpuIds.flatMap(varint)))] : []),
              ),
            ),
          ),
        ),
      ),
    ),
  )
}

/** A gRPC server on a Unix socket answering /v1.PodResourcesLister/List with `answer()`. */
export async function podResourcesServer(
  socketPath: string,
  answer: () => Uint8Array | { status: number; message: string },
): Promise<{ server: Http2Server; calls: () => number }> {
  mkdirSync(dirname(socketPath), { recursive: true })
  let calls = 0
  const server = createServer()
  server.on('stream', (stream: ServerHttp2Stream, headers) => {
    calls++
    stream.on('data', () => {})
    stream.on('end', () => {
      const a = headers[':path'] === '/v1.PodResourcesLister/List' ? answer() : { status: 12, message: 'unimplemented' }
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true })
      stream.on('wantTrailers', () => stream.sendTrailers(a instanceof Uint8Array ? { 'grpc-status': '0' } : { 'grpc-status': String(a.status), 'grpc-message': a.message }))
      if (a instanceof Uint8Array) {
        const frame = Buffer.alloc(5 + a.length)
        frame.writeUInt32BE(a.length, 1)
        frame.set(a, 5)
        stream.end(frame)
      } else stream.end()
    })
  })
  await new Promise<void>((r) => server.listen(socketPath, r))
  return { server, calls: () => calls }
}
