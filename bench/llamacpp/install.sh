#!/usr/bin/env bash
# Installs bench/llamacpp's node_modules (node-llama-cpp's prebuilt CPU library, exactly as
# package-lock.json pins it, nothing downloaded at run time) when they are missing or older than the
# lock file. Shared by run.sh and serve.sh; CALLER names the script in the message.
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
  echo "${CALLER:-install.sh}: installing bench/llamacpp (npm ci)..." >&2
  (cd "$dir" && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm ci --no-audit --no-fund >&2)
fi
