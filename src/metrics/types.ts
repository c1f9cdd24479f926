/** Prometheus exposition types. `untyped` is kept because node_exporter emits it. */
export type MetricType = 'counter' | 'gauge' | 'untyped'

export type Labels = Readonly<Record<string, string>>

export interface Sample {
  readonly labels: Labels
  readonly value: number
}

export interface MetricFamily {
  readonly name: string
  readonly help: string
  readonly type: MetricType
  readonly samples: readonly Sample[]
}
