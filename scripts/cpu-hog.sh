#!/usr/bin/env bash
# Keeps every core busy until stopped (Ctrl-C, or kill its process group): for running the test
# suite on a loaded machine, as README "Development" describes. Not used by the suite itself.
for _ in $(seq "$(nproc)"); do (while :; do :; done) & done
wait
