#!/usr/bin/env bash
# The soak (tests/soak.sh, make soak: 10 minutes) in a short version for every test run.
exec bash "$(dirname "$0")/../soak.sh" 15
