// The bigquery engine and BigQueryDialect land with the BigQuery issue; this package reserves the name.
export {}
