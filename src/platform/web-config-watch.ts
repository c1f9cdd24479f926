import { readFileSync } from 'node:fs'
import type { Logger } from '../log/logger.ts'
import { WebConfigState } from '../server/web-config-state.ts'
import type { RunningServer } from './serve.ts'

/** The web config with Bun's bcrypt (Bun.password runs it off the event loop). */
export function openWebConfig(file: string): WebConfigState {
  return new WebConfigState(
    file,
    (p) => readFileSync(p, 'utf8'),
    Date.now,
    (password, hash) => Bun.password.verify(password, hash),
  )
}

/**
 * Re-reads the web config every `intervalMs` and on SIGHUP (exporter-toolkit re-reads it on
 * every connection; a poll of a few small files every two seconds costs nothing). A
 * certificate change restarts the listener on the same port; a bad rewrite is logged and
 * the last good config stays in force.
 */
export function watchWebConfig(state: WebConfigState, server: RunningServer, log: Logger, intervalMs = 2000): () => void {
  // A certificate and its key written one after the other are a mismatch for a moment: an
  // error is logged once it has held for two polls in a row (or at once on SIGHUP).
  let rejected = ''
  let seen = 0
  const check = (why: string) => {
    const outcome = state.reload()
    if (outcome.kind === 'rejected') {
      seen = outcome.error === rejected ? seen + 1 : 1
      rejected = outcome.error
      if (seen === 2 || why === 'SIGHUP') {
        log.error('web config not applied; keeping the last good one', { err: outcome.error })
      } else if (seen === 1) {
        log.debug('web config not applied yet', { err: outcome.error })
      }
      return
    }
    rejected = ''
    seen = 0
    if (outcome.kind === 'unchanged') {
      if (why === 'SIGHUP') {
        log.info('web config re-read: unchanged', { file: state.file })
      }
      return
    }
    for (const warning of outcome.warnings) {
      log.warn(warning, { file: state.file })
    }
    if (outcome.tlsChanged) {
      try {
        server.restart(state.tls())
      } catch (err) {
        log.error('TLS listener not restarted', { err: err instanceof Error ? err.message : String(err) })
        return
      }
    }
    log.info('web config applied', { file: state.file, trigger: why, tls_restarted: outcome.tlsChanged })
  }
  const timer = setInterval(() => check('change'), intervalMs)
  timer.unref?.()
  const onHup = () => check('SIGHUP')
  process.on('SIGHUP', onHup)
  return () => {
    clearInterval(timer)
    process.off('SIGHUP', onHup)
  }
}
