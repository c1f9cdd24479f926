export interface HttpGetOptions {
  readonly headers?: Record<string, string>
  /** PEM bundle the server's certificate must chain to (https only); undefined: the system's. */
  readonly ca?: string
  readonly insecureSkipVerify?: boolean
  readonly timeoutMs: number
  /** A longer body is abandoned (the request is destroyed) and rejected. */
  readonly maxBytes: number
}

/**
 * One GET through node:http(s) (Node and Bun both implement it, with a per-request CA, which
 * fetch() does not offer under Node). Rejects on a status other than 200, a timeout (the
 * whole exchange, not one read) or an oversized body. Never follows redirects.
 */
export async function httpGet(url: URL, options: HttpGetOptions): Promise<string> {
  const https = url.protocol === 'https:'
  // Loaded on first use: only the opt-in kubelet tier asks (docs/performance.md, 2026-12-08).
  const { request } = https ? await import('node:https') : await import('node:http')
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      headers: { accept: 'application/json', ...options.headers },
      ...(https ? { ca: options.ca, rejectUnauthorized: !options.insecureSkipVerify } : {}),
    })
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs)
    const done = (err: Error | undefined, body?: string) => {
      clearTimeout(timer)
      if (err) reject(err)
      else resolve(body as string)
    }
    req.on('error', (err) => done(err))
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume()
        done(new Error(`HTTP ${res.statusCode ?? '?'}`))
        req.destroy()
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > options.maxBytes) {
          req.destroy(new Error(`body over ${options.maxBytes} bytes`))
          return
        }
        chunks.push(chunk)
      })
      res.on('end', () => done(undefined, Buffer.concat(chunks).toString('utf8')))
      res.on('error', (err) => done(err))
    })
    req.end()
  })
}
