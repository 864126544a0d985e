# Shared by ./ig and ./test: install what the project needs and keep the published binary
# current. Source it; it defines functions only. Everything here must work on a fresh
# Debian 12 machine as root, with nothing installed by hand.

IG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
IG_BIN="$IG_ROOT/artifacts/bin/ig"

# Packages ig needs to build (clang for the BPF programs, libbpf headers) and run (libbpf).
IG_BUILD_PACKAGES=(clang llvm libbpf-dev libbpf1)

log() { echo "ig-setup: $*" >&2; }

# ensure_packages pkg...: installs the Debian packages that are missing, quietly.
ensure_packages() {
    local missing=()
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        log "missing packages: ${missing[*]}; run as root to install them (apt-get install ${missing[*]})"
        return 1
    fi
    log "installing ${missing[*]}"
    local attempt
    for attempt in 1 2 3; do
        if DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 &&
           DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
            return 0
        fi
        log "apt-get failed (attempt $attempt); retrying"
        sleep 3
    done
    log "could not install ${missing[*]}"
    return 1
}

ensure_dotnet() {
    command -v dotnet >/dev/null 2>&1 && return 0
    log "the .NET 10 SDK (dotnet) is not on PATH; install it from https://dot.net"
    return 1
}

# A hash of everything the binary is built from.
sources_hash() {
    (cd "$IG_ROOT" && find src bpf Directory.Build.props Directory.Packages.props \
        -type f \( -name '*.cs' -o -name '*.c' -o -name '*.h' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.proto' \) \
        -not -path '*/bin/*' -not -path '*/obj/*' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

# ensure_ig_binary: publishes the NativeAOT binary to artifacts/bin/ig when missing or stale.
ensure_ig_binary() {
    ensure_packages "${IG_BUILD_PACKAGES[@]}" || return 1
    ensure_dotnet || return 1
    mkdir -p "$IG_ROOT/artifacts/bin"
    local stamp="$IG_ROOT/artifacts/bin/.sources.sha256"
    local hash
    hash="$(sources_hash)"
    (
        flock 9
        if [ -x "$IG_BIN" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ]; then
            exit 0
        fi
        log "building ig (first use or sources changed)..."
        if ! dotnet publish "$IG_ROOT/src/Gadget.Cli/Gadget.Cli.csproj" -c Release -o "$IG_ROOT/artifacts/bin" \
                --nologo -v quiet -p:TreatWarningsAsErrors=true > "$IG_ROOT/artifacts/publish.log" 2>&1; then
            cat "$IG_ROOT/artifacts/publish.log" >&2
            log "build failed (log: artifacts/publish.log)"
            exit 1
        fi
        echo "$hash" > "$stamp"
    ) 9>"$IG_ROOT/artifacts/.build.lock"
}
