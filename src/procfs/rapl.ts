/**
 * A RAPL zone's name and index from its "name" file, as procfs does: "package-0" is
 * package/0; a name without "-N" ("core", "dram") takes the count of earlier zones of
 * that name as its index.
 */
export function raplZoneName(rawName: string, seen: Map<string, number>): { name: string; index: number } {
  const parts = rawName.split('-')
  let result: { name: string; index: number } | undefined
  if (parts.length === 2 && /^[+-]?\d+$/.test(parts[1] as string)) {
    result = { name: parts[0] as string, index: Number(parts[1]) }
  }
  result ??= { name: rawName, index: seen.get(rawName) ?? 0 }
  seen.set(result.name, result.index + 1)
  return result
}

/** node_exporter's SanitizeMetricName: each run of invalid characters (with the "_" around it) becomes one "_". */
export function sanitizeMetricName(name: string): string {
  return name.replace(/_*[^0-9A-Za-z_]+_*/g, '_')
}
