#!/usr/bin/env node
// The installed `vahub` command runs the built CLI (`npm run build`). From a checkout without a
// build, use `npm run vahub -- <command>`, which runs the TypeScript sources.
import '../dist/main.js';
