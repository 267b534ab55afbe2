import { invalid } from '@kysely-modelhub/core'

/**
 * The job's default dataset from the `dataset` option: `'ds'` is in the client's project,
 * `'other-project.ds'` in another project (BigQuery's dataset ids have no dots, so the dot is the
 * separator, as in SQL paths).
 */
export function datasetReference(
  projectId: string,
  dataset: string,
): { readonly projectId: string; readonly datasetId: string } {
  const parts = dataset.split('.')
  const valid = parts.length <= 2 && parts.every((part) => part.length > 0)
  if (!valid) invalid('the dataset option', dataset, "use 'dataset' or 'project.dataset'")
  return parts.length === 2
    ? { projectId: parts[0] as string, datasetId: parts[1] as string }
    : { projectId, datasetId: dataset }
}
