export interface GrpcUnaryOptions {
  readonly timeoutMs: number
  /** A longer answer is abandoned and rejected. */
  readonly maxBytes: number
}

/**
 * One unary gRPC call over a Unix socket with node:http2 (Node and Bun 1.4 both implement
 * its client; checked from the compiled binary against a node:http2 server): POST the
 * 5-byte length-prefixed request, read one length-prefixed answer, honour grpc-status from
 * the trailers (or headers, for an immediate error). No compression, no TLS (the kubelet's
 * pod-resources socket has neither). Resolves with the message bytes.
 */
export async function grpcUnaryUnix(socketPath: string, method: string, request: Uint8Array, options: GrpcUnaryOptions): Promise<Uint8Array> {
  // Loaded on first use: most hosts have no pod-resources socket, and loading the modules
  // costs resident memory on every host (docs/performance.md, 2026-12-08).
  const [{ connect: http2Connect }, { connect: netConnect }] = await Promise.all([import('node:http2'), import('node:net')])
  return new Promise((resolve, reject) => {
    const session = http2Connect('http://localhost', { createConnection: () => netConnect(socketPath) })
    let settled = false
    const finish = (err: Error | undefined, value?: Uint8Array) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      session.close()
      session.destroy()
      if (err) reject(err)
      else resolve(value as Uint8Array)
    }
    const timer = setTimeout(() => finish(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs)
    session.on('error', (err) => finish(err))
    const stream = session.request({ ':method': 'POST', ':path': method, 'content-type': 'application/grpc', te: 'trailers' })
    const chunks: Buffer[] = []
    let size = 0
    let status: string | undefined
    stream.on('response', (headers) => {
      if (headers[':status'] !== 200) finish(new Error(`HTTP ${String(headers[':status'])}`))
      const s = headers['grpc-status']
      if (s !== undefined) status = String(s)
    })
    stream.on('trailers', (trailers) => {
      const s = trailers['grpc-status']
      if (s !== undefined) status = String(s)
      const m = trailers['grpc-message']
      if (status !== undefined && status !== '0') finish(new Error(`grpc-status ${status}${m === undefined ? '' : `: ${String(m)}`}`))
    })
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > options.maxBytes + 5) {
        stream.close()
        finish(new Error(`answer over ${options.maxBytes} bytes`))
        return
      }
      chunks.push(chunk)
    })
    stream.on('error', (err) => finish(err))
    stream.on('end', () => {
      if (status !== undefined && status !== '0') return finish(new Error(`grpc-status ${status}`))
      const body = Buffer.concat(chunks)
      if (body.length < 5) return finish(new Error('empty answer'))
      if (body[0] !== 0) return finish(new Error('compressed answer'))
      const len = body.readUInt32BE(1)
      if (body.length < 5 + len) return finish(new Error('truncated answer'))
      finish(undefined, new Uint8Array(body.subarray(5, 5 + len)))
    })
    const frame = Buffer.alloc(5 + request.length)
    frame.writeUInt32BE(request.length, 1)
    frame.set(request, 5)
    stream.end(frame)
  })
}
