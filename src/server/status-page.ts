import type { CollectorHealth } from '../sampler/sampler.ts'
import type { Snapshot } from '../sampler/snapshot.ts'

export interface StatusPageInput {
  readonly telemetryPath: string
  readonly version: { version: string; revision: string }
  readonly snapshot: Snapshot | undefined
  readonly health: ReadonlyMap<string, CollectorHealth>
  readonly now: number
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string)

/** A small self-contained page: collector health at a glance, links to the endpoints. */
export function renderStatusPage(input: StatusPageInput): string {
  const rows = [...input.health.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, h]) => {
      const state = h.success ? 'ok' : 'failing'
      const age = h.lastSuccessAt === null ? 'never' : `${Math.round((input.now - h.lastSuccessAt) / 1000)} s ago`
      return `<tr class="${state}"><td>${escapeHtml(name)}</td><td>${state}</td><td>${age}</td><td>${(h.lastDurationSeconds * 1000).toFixed(1)} ms</td><td>${escapeHtml(h.lastError ?? '')}</td></tr>`
    })
    .join('\n')
  const series = input.snapshot?.families.reduce((n, f) => n + f.samples.length, 0) ?? 0
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>odin-agent</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2330;background:#fafbfc}
h1{font-size:1.4rem;margin:0 0 .25rem} .meta{color:#5a6376;margin-bottom:1rem}
table{border-collapse:collapse;min-width:40rem;background:#fff} th,td{padding:.35rem .7rem;border-bottom:1px solid #e3e6ec;text-align:left;font-size:.9rem}
tr.failing td:nth-child(2){color:#b3261e;font-weight:600} tr.ok td:nth-child(2){color:#1e7b34}
a{color:#2456c7}
</style></head><body>
<h1>odin-agent</h1>
<div class="meta">version ${escapeHtml(input.version.version)} (${escapeHtml(input.version.revision)}) &middot; ${series} series in the last sample &middot;
<a href="${escapeHtml(input.telemetryPath)}">metrics</a> &middot; <a href="/health">health</a> &middot; <a href="/ready">ready</a></div>
<table><thead><tr><th>collector</th><th>state</th><th>last success</th><th>duration</th><th>last error</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="5">no sample yet</td></tr>'}
</tbody></table>
</body></html>
`
}
