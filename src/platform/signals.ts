/**
 * Signals that end the agent the way SIGTERM does (answer in-flight scrapes, save the
 * models). Without a handler SIGHUP, SIGUSR1, SIGUSR2 and SIGQUIT kill the process outright
 * and the final model save is lost; SIGHUP is not among them: it re-reads the web config.
 */
export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2']

/** Resolves with the first shutdown signal's name. Install before binding the port; a second
 * of the same signal is the runtime's default again (a stuck shutdown can still be killed). */
export function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    for (const signal of SHUTDOWN_SIGNALS) {
      process.once(signal, () => resolve(signal))
    }
  })
}

/** Calls `reload` on every SIGHUP (the handler also keeps SIGHUP from killing the agent). */
export function onReloadSignal(reload: () => void): void {
  process.on('SIGHUP', reload)
}
