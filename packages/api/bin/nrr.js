#!/usr/bin/env node
// The published `nrr` binary runs the built CLI; in this repository use `pnpm nrr …` (tsx, from source).
import { runCli } from '../dist/cli.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
