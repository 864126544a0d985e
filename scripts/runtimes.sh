# Starts the container runtimes the tests use, and gives them a test image: containerd (with
# its CRI plugin, CNI bridge networking) and dockerd on top of it, images built offline from
# busybox-static (no registry is reachable). Idempotent: what already runs is left alone.
# Source it after scripts/lib.sh and call start_runtimes.

IG_RUNTIME_PACKAGES=(containerd runc docker.io containernetworking-plugins busybox-static iptables)
# Machine-wide, not per checkout: every checkout must agree on which containerd runs.
IG_RUNTIME_DIR="${IG_RUNTIME_DIR:-/var/lib/ig-test-runtimes}"
IG_TEST_IMAGE="docker.io/igtest/busybox:1"
IG_PAUSE_IMAGE="docker.io/igtest/pause:1"

containerd_up() { ctr --timeout 2s version >/dev/null 2>&1; }
docker_up() { timeout 5 docker version >/dev/null 2>&1; }

wait_for() {
    local what="$1"; shift
    local i
    for i in $(seq 1 100); do
        "$@" && return 0
        sleep 0.2
    done
    log "$what did not come up"
    return 1
}

write_cni_config() {
    [ -e /etc/cni/net.d/10-igtest.conflist ] && return 0
    mkdir -p /etc/cni/net.d
    cat > /etc/cni/net.d/10-igtest.conflist <<'JSON'
{
  "cniVersion": "0.4.0",
  "name": "igtest",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "igtest0",
      "isGateway": true,
      "ipMasq": false,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.88.0.0/16" }]], "routes": [{ "dst": "0.0.0.0/0" }] }
    },
    { "type": "loopback" }
  ]
}
JSON
}

start_containerd() {
    mkdir -p "$IG_RUNTIME_DIR"
    # restrict_oom_score_adj: these machines lack CAP_SYS_RESOURCE, so the pause container's
    # default oom_score_adj (-998) cannot be set and every pod would fail to start.
    local config
    config=$(cat <<EOF2
version = 2
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$IG_PAUSE_IMAGE"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "/etc/cni/net.d"
EOF2
)
    if containerd_up && [ "$(cat "$IG_RUNTIME_DIR/containerd.toml" 2>/dev/null)" = "$config" ]; then
        return 0
    fi
    if containerd_up; then
        log "restarting containerd with the test configuration"
        pkill -x containerd || true
        for _ in $(seq 1 50); do containerd_up || break; sleep 0.1; done
    fi
    echo "$config" > "$IG_RUNTIME_DIR/containerd.toml"
    log "starting containerd"
    setsid containerd --config "$IG_RUNTIME_DIR/containerd.toml" > "$IG_RUNTIME_DIR/containerd.log" 2>&1 < /dev/null &
    wait_for containerd containerd_up
}

start_dockerd() {
    docker_up && return 0
    log "starting dockerd"
    # No iptables rules: containers reach each other and the host over the bridge only.
    setsid dockerd --containerd=/run/containerd/containerd.sock --iptables=false --ip-masq=false \
        > "$IG_RUNTIME_DIR/dockerd.log" 2>&1 < /dev/null &
    wait_for dockerd docker_up
}

# A busybox root file system: the static binary and one link per applet.
build_rootfs() {
    local rootfs="$1"
    rm -rf "$rootfs"
    mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev"
    cp /bin/busybox "$rootfs/bin/busybox"
    local applet
    for applet in $("$rootfs/bin/busybox" --list); do
        [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
    done
    echo "root:x:0:0:root:/root:/bin/sh" > "$rootfs/etc/passwd"
    echo "root:x:0:" > "$rootfs/etc/group"
}

import_images() {
    if docker image inspect "$IG_TEST_IMAGE" >/dev/null 2>&1 && docker image inspect "$IG_PAUSE_IMAGE" >/dev/null 2>&1 &&
       ctr -n k8s.io images check "name==$IG_PAUSE_IMAGE" 2>/dev/null | grep -q complete &&
       ctr -n default images check "name==$IG_TEST_IMAGE" 2>/dev/null | grep -q complete; then
        return 0
    fi
    log "building the test images from busybox-static"
    local rootfs="$IG_RUNTIME_DIR/rootfs"
    build_rootfs "$rootfs"
    tar -C "$rootfs" -c . | docker import --change 'CMD ["/bin/sh"]' - "$IG_TEST_IMAGE" >/dev/null
    tar -C "$rootfs" -c . | docker import --change 'CMD ["/bin/sleep","2147483647"]' - "$IG_PAUSE_IMAGE" >/dev/null
    docker save "$IG_TEST_IMAGE" "$IG_PAUSE_IMAGE" -o "$IG_RUNTIME_DIR/images.tar"
    ctr -n k8s.io images import "$IG_RUNTIME_DIR/images.tar" >/dev/null
    ctr -n default images import "$IG_RUNTIME_DIR/images.tar" >/dev/null
}

start_runtimes() {
    ensure_packages "${IG_RUNTIME_PACKAGES[@]}" || return 1
    mkdir -p "$IG_RUNTIME_DIR"
    write_cni_config
    start_containerd || return 1
    start_dockerd || return 1
    import_images
}
