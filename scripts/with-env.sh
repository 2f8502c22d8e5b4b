#!/usr/bin/env bash
# scripts/with-env.sh COMMAND [ARGS...]: runs COMMAND with the settings scripts/setup.sh wrote to
# .run/env exported, except those already in the environment (a DATABASE_URL you give wins).
# The make targets that reach the servers run through it.
set -euo pipefail
env_file="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.run/env"
if [ -f "$env_file" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    [[ "$line" =~ ^([A-Z_][A-Z0-9_]*)=(.*)$ ]] || continue
    key=${BASH_REMATCH[1]}
    [ -n "${!key+set}" ] && continue
    export "$key=${BASH_REMATCH[2]}"
  done <"$env_file"
fi
exec "$@"
