/**
 * Wraps `report` so that it runs only when the outcome changes: the first outcome, a new
 * error, or a recovery (undefined after an error). A background fetch reports every try;
 * the log gets one line per change.
 */
export function onChange(report: (error: string | undefined) => void): (error: string | undefined) => void {
  let last: { readonly error: string | undefined } | undefined
  return (error) => {
    if (last !== undefined && last.error === error) return
    last = { error }
    report(error)
  }
}
