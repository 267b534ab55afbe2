#!/usr/bin/env node
// The CLI is TypeScript run as is: tsx compiles it on load, as everywhere else in this repo.
import { register } from 'tsx/esm/api'

register()
await import('../src/main.ts')
