#!/usr/bin/env node
// Plain node runs the compiled CLI. The package imports itself so that, in this repository, the
// same file runs from source: node --conditions=@kysely-modelhub/source --import tsx bin/…
import '@kysely-modelhub/cli/main'
