import { parseDocument } from 'yaml'
import type { K8sObject } from './kustomize.ts'

/** Rewrites one embedded YAML file (a ConfigMap value) through the document API, keeping comments. */
export function editYaml(text: string, edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(text)
  edit(doc)
  return doc.toString({ lineWidth: 0 })
}

/** The data of the named ConfigMap among `objects`, mutable in place. */
export function configMapData(objects: readonly K8sObject[], name: string): Record<string, string> | undefined {
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)
  return cm?.data as Record<string, string> | undefined
}

/** Edits `prometheus.yml` in the prometheus-config ConfigMap, when it is printed. */
export function editPrometheusConfig(objects: readonly K8sObject[], edit: (doc: ReturnType<typeof parseDocument>) => void): void {
  const data = configMapData(objects, 'prometheus-config')
  if (data?.['prometheus.yml'] !== undefined) {
    data['prometheus.yml'] = editYaml(data['prometheus.yml'], edit)
  }
}

/** Edits `datasources.yaml` in the grafana-provisioning ConfigMap, when it is printed. */
export function editGrafanaDatasources(objects: readonly K8sObject[], edit: (doc: ReturnType<typeof parseDocument>) => void): void {
  const data = configMapData(objects, 'grafana-provisioning')
  if (data?.['datasources.yaml'] !== undefined) {
    data['datasources.yaml'] = editYaml(data['datasources.yaml'], edit)
  }
}
