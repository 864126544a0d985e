#!/usr/bin/env bash
# Runs ig from this checkout; needs root (it loads eBPF programs). On first use it installs
# the Debian packages ig needs and publishes the NativeAOT binary to artifacts/bin/ig; after
# that it rebuilds only when the sources change. Example: ./ig trace exec
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/scripts/lib.sh"
ensure_ig_binary
exec "$IG_BIN" "$@"
