/**
 * The status page: one self-contained document (no external asset, so it works air-gapped)
 * that fetches status.json every few seconds and redraws without a reload. Every value is
 * placed with textContent or setAttribute, never parsed as HTML: command lines, process
 * names and labels are attacker-controlled. The page itself holds no data.
 */
const STYLE = `
:root{--fg:#1d2330;--mute:#5f6b7d;--bg:#f4f6f9;--card:#fff;--line:#e3e6ec;--ok:#1e7b34;--bad:#b3261e;--warn:#a15c00;--grey:#8a93a3;--accent:#2456c7}
*{box-sizing:border-box}
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:var(--fg);background:var(--bg)}
header{display:flex;flex-wrap:wrap;align-items:baseline;gap:.4rem 1rem;padding:.8rem 1rem;background:#1d2330;color:#fff}
header h1{font-size:1.15rem;margin:0}
header .meta{color:#c3c9d4;font-size:.85rem}
header a{color:#9cc0ff}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:1rem;font-size:.78rem;font-weight:600;background:var(--grey);color:#fff}
.badge.ok{background:var(--ok)}.badge.failing,.badge.bad{background:var(--bad)}.badge.absent{background:#c4c9d2;color:#374151}.badge.warn{background:var(--warn)}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:.8rem;padding:.8rem;max-width:1600px;margin:0 auto}
@media (min-width:1100px){main{grid-template-columns:repeat(3,minmax(0,1fr))}#gpus{grid-column:span 2}#health{grid-column:1/-1}}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.7rem .9rem;min-width:0}
section.wide{grid-column:1/-1}
h2{font-size:.95rem;margin:0 0 .5rem;display:flex;gap:.5rem;align-items:center}
h2 .count{color:var(--mute);font-weight:400;font-size:.85rem}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(110px,1fr));gap:.5rem}
.kpi .v{font-size:1.25rem;font-weight:600}.kpi .l{color:var(--mute);font-size:.78rem}
.bar{height:6px;background:#e8ebf0;border-radius:3px;overflow:hidden;margin-top:.2rem}.bar i{display:block;height:100%;background:var(--accent)}
.bar i.hot{background:var(--warn)}.bar i.crit{background:var(--bad)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{padding:.3rem .45rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;font-size:.85rem}
th{color:var(--mute);font-weight:500;font-size:.78rem}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font:12px/1.35 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all;white-space:pre-wrap}
.muted{color:var(--mute)}
.empty{color:var(--mute);font-style:italic}
.gpus{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:.6rem}
.gpu{border:1px solid var(--line);border-radius:6px;padding:.5rem .6rem}
.gpu .name{font-weight:600;margin-bottom:.3rem}
.row{display:flex;justify-content:space-between;gap:.5rem;font-size:.85rem}
.tags span{display:inline-block;margin:.15rem .25rem 0 0;padding:0 .4rem;border-radius:4px;background:#fdecea;color:var(--bad);font-size:.75rem}
.tags span.info{background:#eef2f8;color:var(--mute)}
.sev-critical,.sev-high{color:var(--bad);font-weight:600}.sev-medium{color:var(--warn);font-weight:600}
.spark{display:grid;grid-template-columns:minmax(7rem,11rem) 1fr 3rem;gap:.5rem;align-items:center;padding:.15rem 0;border-bottom:1px solid var(--line)}
.spark svg{width:100%;height:32px;display:block;background:#f7f8fb;border-radius:3px}
.health{display:flex;flex-wrap:wrap;gap:.3rem}
.health .badge{font-weight:500}
.legend{color:var(--mute);font-size:.78rem;margin-top:.4rem}
#error{display:none;background:#fdecea;color:var(--bad);padding:.5rem 1rem}
@media (max-width:640px){#threats thead{display:none}#threats table,#threats tbody,#threats tr,#threats td{display:block;width:100%}#threats tr{border-bottom:1px solid var(--line);padding:.35rem 0}#threats td{border:0;padding:.1rem 0}}
@media (max-width:480px){main{grid-template-columns:1fr;padding:.5rem;gap:.5rem}section{padding:.6rem}.spark{grid-template-columns:6.5rem 1fr 2.6rem}header{padding:.6rem .7rem}}
`

const SCRIPT = `
'use strict';
const $ = (id) => document.getElementById(id);
function el(tag, attrs, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, String(v));
  for (const k of kids) if (k !== null && k !== undefined) n.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return n;
}
const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  return n;
}
function bytes(b) {
  if (b === null || b === undefined) return '–';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']; let i = 0;
  while (Math.abs(b) >= 1024 && i < u.length - 1) { b /= 1024; i++; }
  return (i ? b.toFixed(1) : String(Math.round(b))) + ' ' + u[i];
}
function dur(s) {
  if (s < 120) return Math.round(s) + ' s';
  if (s < 7200) return Math.round(s / 60) + ' min';
  if (s < 172800) return (s / 3600).toFixed(1) + ' h';
  return (s / 86400).toFixed(1) + ' d';
}
const num = (v, d, unit) => (v === null || v === undefined ? '–' : v.toFixed(d) + (unit || ''));
function bar(frac, plain) {
  const f = Math.max(0, Math.min(1, frac || 0));
  return el('div', { class: 'bar' }, el('i', { class: plain ? '' : f > 0.9 ? 'crit' : f > 0.75 ? 'hot' : '', style: 'width:' + (f * 100).toFixed(1) + '%' }));
}
function kpi(label, value, frac) {
  return el('div', { class: 'kpi' }, el('div', { class: 'v' }, value), el('div', { class: 'l' }, label), frac === undefined ? null : bar(frac));
}
function table(head, rows, numeric) {
  const t = el('table', {}, el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))));
  const b = el('tbody');
  for (const r of rows) b.append(el('tr', {}, ...r.map((c, i) => el('td', numeric && numeric[i] ? { class: 'num' } : {}, c))));
  t.append(b);
  return el('div', { class: 'scroll' }, t);
}
function fill(id, count, ...kids) {
  const s = $(id);
  s.querySelector('.body').replaceChildren(...kids.filter((k) => k !== null && k !== undefined));
  const c = s.querySelector('.count');
  if (c) c.textContent = count === null ? '' : '(' + count + ')';
}
const empty = (text) => el('p', { class: 'empty' }, text);

function host(d) {
  const h = d.host; const memUsed = h.memTotalBytes && h.memAvailableBytes !== null ? 1 - h.memAvailableBytes / h.memTotalBytes : null;
  const kp = el('div', { class: 'kpis' },
    kpi('CPU busy, ' + h.cpus + ' CPUs', h.cpuBusy === null ? '–' : (h.cpuBusy * 100).toFixed(0) + ' %', h.cpuBusy === null ? undefined : h.cpuBusy),
    kpi('memory used of ' + bytes(h.memTotalBytes), memUsed === null ? '–' : (memUsed * 100).toFixed(0) + ' %', memUsed === null ? undefined : memUsed),
    kpi('load 1 min (5 min ' + num(h.load[1], 2) + ', 15 min ' + num(h.load[2], 2) + ')', num(h.load[0], 2)));
  const disks = h.disks.map((k) => [el('code', {}, k.mountpoint), k.fstype, el('div', {}, bytes(k.sizeBytes - k.availBytes) + ' of ' + bytes(k.sizeBytes), bar(1 - k.availBytes / k.sizeBytes)), ((1 - k.availBytes / k.sizeBytes) * 100).toFixed(0) + ' %']);
  fill('host', null, kp, el('h2', { style: 'margin-top:.8rem' }, 'Filesystems'), disks.length ? table(['mount', 'type', 'used', ''], disks, [0, 0, 0, 1]) : empty('no filesystem reported'));
}

function gpus(d) {
  if (!d.gpus.length) { fill('gpus', 0, empty('no GPU on this host, or nvidia-smi is not available')); return; }
  const cards = d.gpus.map((g) => {
    const power = g.powerLimitW ? g.powerW / g.powerLimitW : null;
    const mem = g.memTotalMiB ? g.memUsedMiB / g.memTotalMiB : null;
    const tags = el('div', { class: 'tags' });
    for (const r of g.throttle) tags.append(el('span', {}, 'throttle: ' + r));
    for (const x of g.xids) tags.append(el('span', {}, 'Xid ' + x.xid + ' × ' + x.count));
    if (!g.throttle.length && !g.xids.length) tags.append(el('span', { class: 'info' }, 'no throttling, no Xid'));
    return el('div', { class: 'gpu' },
      el('div', { class: 'name' }, 'GPU ' + g.gpu + ' ', el('span', { class: 'muted' }, g.model)),
      el('div', { class: 'row' }, el('span', {}, 'temperature'), el('span', {}, num(g.tempC, 0, ' °C'))),
      el('div', { class: 'row' }, el('span', {}, 'power'), el('span', {}, num(g.powerW, 0, ' W') + ' of ' + num(g.powerLimitW, 0, ' W'))), power === null ? null : bar(power),
      el('div', { class: 'row' }, el('span', {}, 'utilisation'), el('span', {}, num(g.utilPct, 0, ' %'))), g.utilPct === null ? null : bar(g.utilPct / 100, true),
      el('div', { class: 'row' }, el('span', {}, 'memory'), el('span', {}, g.memUsedMiB === null ? '–' : bytes(g.memUsedMiB * 1048576) + ' of ' + bytes(g.memTotalMiB * 1048576))), mem === null ? null : bar(mem),
      tags);
  });
  fill('gpus', d.gpus.length, el('div', { class: 'gpus' }, ...cards));
}

function threats(d) {
  if (!d.threats.length) { fill('threats', 0, empty('no active finding')); return; }
  const rows = d.threats.map((t) => [el('span', { class: 'sev-' + t.severity }, t.severity), el('div', {}, el('b', {}, t.rule), el('div', { class: 'muted' }, t.description)), el('div', {}, el('code', {}, t.comm), el('div', { class: 'muted' }, (t.user || '?') + (t.pod ? ' · ' + t.namespace + '/' + t.pod + (t.containerName ? ' · ' + t.containerName : '') : t.containerName ? ' · container ' + t.containerName : t.container ? ' · container' : ''))), el('code', {}, t.cmdline)]);
  fill('threats', d.threats.length, table(['severity', 'rule', 'process', 'command line (redacted)'], rows));
}

function spark(s, threshold) {
  const W = 240, H = 32, n = s.scores.length;
  const g = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, preserveAspectRatio: 'none', role: 'img' });
  const title = svg('title', {}); title.textContent = s.detector + ' ' + s.series + ': anomaly score over the last hour';
  g.append(title);
  const y = (v) => (H - 2 - v * (H - 4)).toFixed(1);
  g.append(svg('line', { x1: 0, x2: W, y1: y(threshold), y2: y(threshold), stroke: '#e0a4a0', 'stroke-dasharray': '3 3', 'stroke-width': 1 }));
  let dpath = ''; let pen = false;
  s.scores.forEach((v, i) => {
    const x = (i * W / (n - 1)).toFixed(1);
    if (v === null) { pen = false; return; }
    dpath += (pen ? 'L' : 'M') + x + ' ' + y(v); pen = true;
  });
  if (dpath) g.append(svg('path', { d: dpath, fill: 'none', stroke: '#2456c7', 'stroke-width': 1.4, 'vector-effect': 'non-scaling-stroke' }));
  const lastAt = s.scores.map((v) => v !== null).lastIndexOf(true);
  // The latest score as a round dot: a zero-length stroke keeps its shape when the plot stretches.
  if (lastAt >= 0) g.append(svg('path', { d: 'M' + (lastAt * W / (n - 1)).toFixed(1) + ' ' + y(s.scores[lastAt]) + 'h0', stroke: '#2456c7', 'stroke-width': 5, 'stroke-linecap': 'round', 'vector-effect': 'non-scaling-stroke' }));
  for (const i of s.alerts) {
    const x = (i * W / (n - 1)).toFixed(1);
    g.append(svg('line', { x1: x, x2: x, y1: 0, y2: H, stroke: '#b3261e', 'stroke-width': 2, 'vector-effect': 'non-scaling-stroke', class: 'alert' }));
  }
  return g;
}

function anomaly(d) {
  const a = d.anomaly;
  if (!a.series.length) { fill('anomaly', 0, empty('no scored series yet (the detector scores after its first samples)')); return; }
  const rows = a.series.map((s) => {
    const last = [...s.scores].reverse().find((v) => v !== null);
    return el('div', { class: 'spark' }, el('div', {}, el('code', {}, s.series), el('div', { class: 'muted' }, s.detector)), spark(s, a.threshold), el('div', { class: 'num' + (last >= a.threshold ? ' sev-high' : '') }, last === undefined ? '–' : last.toFixed(2)));
  });
  fill('anomaly', a.series.length, ...rows, el('div', { class: 'legend' }, 'last hour, ' + a.bucketSeconds + ' s buckets; dashed: alert threshold ' + a.threshold + '; red marks: alerts raised'));
}

function forecasts(d) {
  if (!d.forecasts.length) { fill('forecasts', 0, empty('no filesystem is filling')); return; }
  fill('forecasts', d.forecasts.length, table(['mount', 'device', 'full in'], d.forecasts.map((f) => [el('code', {}, f.mountpoint), f.device, dur(f.etaSeconds)]), [0, 0, 1]));
}

function groups(d) {
  if (!d.groups.length) { fill('groups', 0, empty('no process group (namedprocess collector off?)')); return; }
  fill('groups', d.groups.length, table(['group', 'processes', 'CPU cores', 'resident'], d.groups.map((g) => [el('code', {}, g.name), g.procs, num(g.cpuCores, 2), bytes(g.residentBytes)]), [0, 1, 1, 1]));
}

function health(d) {
  const badges = (list) => el('div', { class: 'health' }, ...list.map((c) => el('span', { class: 'badge ' + c.state, title: c.state + (c.error ? ': ' + c.error : '') }, c.name)));
  const failing = d.collectors.filter((c) => c.state === 'failing');
  const count = (s) => d.collectors.filter((c) => c.state === s).length;
  fill('health', null,
    el('p', { class: 'muted' }, count('ok') + ' working, ' + failing.length + ' failing, ' + count('absent') + ' absent on this host'),
    el('h2', {}, 'Detectors'),
    d.detectors.length
      ? table(['detector', 'state', 'last success', 'duration', 'error'], d.detectors.map((c) => [
          el('span', { class: 'badge ' + c.state }, c.name), c.state,
          c.lastSuccessAgeSeconds === null ? 'never' : dur(c.lastSuccessAgeSeconds) + ' ago', num(c.durationMs, 1, ' ms'), el('code', {}, c.error)]), [0, 0, 1, 1, 0])
      : empty('no detector enabled'),
    el('h2', { style: 'margin-top:.6rem' }, 'Collectors'), badges(d.collectors),
    failing.length ? table(['failing collector', 'error'], failing.map((c) => [c.name, el('code', {}, c.error)])) : null,
    el('div', { class: 'legend' }, 'green: working · red: failing · grey: absent on this host (no such hardware or kernel feature)'));
}

function header(d) {
  const a = d.agent;
  const r = $('ready'); r.textContent = a.ready ? 'ready' : 'not ready'; r.className = 'badge ' + (a.ready ? 'ok' : 'bad'); r.title = a.readyReason;
  $('version').textContent = 'version ' + a.version + ' (' + a.revision + ') · up ' + dur(a.uptimeSeconds) + ' · last sample ' + (a.lastSampleAgeSeconds === null ? 'none yet' : a.lastSampleAgeSeconds + ' s ago');
  const v = $('visibility');
  v.replaceChildren(...a.visibilityLimits.map((t) => el('div', {}, '⚠ ' + t)));
  v.style.display = a.visibilityLimits.length ? 'block' : 'none';
  if (!a.ready) v.prepend(el('div', {}, 'not ready: ' + a.readyReason)), (v.style.display = 'block');
}

async function refresh() {
  try {
    const res = await fetch('status.json', { cache: 'no-store', credentials: 'same-origin' });
    if (!res.ok) throw new Error('status.json: HTTP ' + res.status);
    const d = await res.json();
    for (const f of [header, host, gpus, threats, anomaly, forecasts, groups, health]) {
      try { f(d); } catch (e) { console.error(f.name, e); }
    }
    $('error').style.display = 'none';
    document.body.dataset.loaded = 'true';
  } catch (e) {
    $('error').textContent = 'cannot refresh: ' + (e && e.message ? e.message : e);
    $('error').style.display = 'block';
  }
}
refresh();
setInterval(refresh, 5000);
`

const section = (id: string, title: string, wide = false) =>
  `<section id="${id}"${wide ? ' class="wide"' : ''}><h2>${title} <span class="count"></span></h2><div class="body"><p class="empty">loading…</p></div></section>`

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string)

/** The page, built once per app; `telemetryPath` is the only value placed in it. */
export function renderStatusPage(telemetryPath: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>odin-agent</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; connect-src 'self'; img-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<style>${STYLE}</style></head><body>
<header><h1>odin-agent</h1><span id="ready" class="badge">…</span><span id="version" class="meta"></span>
<span class="meta"><a href="${escapeHtml(telemetryPath.replace(/^\//, ''))}">metrics</a> · <a href="health">health</a> · <a href="ready">ready</a> · <a href="status.json">status.json</a></span></header>
<div id="error"></div>
<div id="visibility" style="display:none;background:#fff4e5;color:#7a4500;padding:.5rem 1rem"></div>
<main>
${section('host', 'Host')}
${section('gpus', 'GPUs')}
${section('threats', 'Active threat findings', true)}
${section('anomaly', 'Anomaly scores')}
${section('forecasts', 'Disk-fill forecasts')}
${section('groups', 'Top process groups')}
${section('health', 'Collector and detector health')}
</main>
<script>${SCRIPT}</script>
</body></html>
`
}
