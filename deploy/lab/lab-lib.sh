# shellcheck shell=bash
# shellcheck disable=SC2034 # settings used by the scripts that source this file
# Shared settings and helpers for the Aplo GlusterFS lab scripts (sourced, not run).
# The lab: one User-Mode-Linux guest per node, all inside network namespace
# "aplo-lab", everything on disk under one state directory.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${APLO_LAB_STATE:-/var/tmp/aplo-lab}
NETNS=aplo-lab
NS_PATH=/run/netns/$NETNS
NET_PREFIX=10.213.13
NETWORK=$NET_PREFIX.0/24
HOST_IP=$NET_PREFIX.1
BRIDGE=aplobr0
UML_BIN=/usr/bin/linux.uml
# Not under $STATE: lab-down deletes $STATE while holding the lock.
LOCK_FILE=/run/aplo-lab.lock
MAX_DISKS=15 # ubdb..ubdp; ubda is the node's own state disk

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

need_root() { [[ $EUID -eq 0 ]] || die "must run as root"; }

node_name() { printf 'gl-n%d' "$1"; }
node_ip() { printf '%s.%d' "$NET_PREFIX" $((10 + $1)); }
tap_name() { printf 'aplotap%d' "$1"; }

# Time since an earlier $(now_ms), in seconds with one decimal.
now_ms() { date +%s%3N; }
since() { local d=$(($(now_ms) - $1)); printf '%d.%01d' $((d / 1000)) $((d % 1000 / 100)); }

# The state dir is put on the UML kernel command line (split on spaces) and is
# deleted by lab-down, so keep it to a plain absolute path that is not a system dir.
check_state_path() {
  [[ $STATE == /* ]] || die "APLO_LAB_STATE must be absolute: $STATE"
  [[ $STATE =~ ^[A-Za-z0-9._/-]+$ ]] || die "APLO_LAB_STATE has unsupported characters: $STATE"
  STATE=$(realpath -m "$STATE")
  case "$STATE" in
    / | /tmp | /var | /var/tmp | /var/lib | /home | /root | /usr | /usr/* | /etc | /etc/* | /run | /dev | /dev/* | /proc | /proc/* | /sys | /sys/* | /boot | /bin | /sbin | /lib | /lib64 | /opt | /srv | /mnt | /work)
      die "refusing to use $STATE as lab state dir" ;;
  esac
  (($(tr -cd / <<<"$STATE" | wc -c) >= 2)) || die "refusing shallow state dir $STATE"
}

# Serialise lab-up/lab-down. The fd must not leak into long-lived children
# (UML nodes), or the lock would be held for ever: callers close fd 9 there.
take_lock() {
  exec 9>"$LOCK_FILE"
  flock -w 300 9 || die "another lab-up/lab-down holds $LOCK_FILE"
}

# The state dir of the lab that owns the namespace, kept as the bridge's alias
# so that it lives and dies with the namespace. Empty if unknown.
netns_owner() {
  [[ -e $NS_PATH ]] || return 0
  ip -n "$NETNS" -j link show "$BRIDGE" 2>/dev/null | jq -r '.[0].ifalias // empty' 2>/dev/null || true
}

# Run a command inside the lab namespace. Only the network namespace changes,
# so mounts made this way are visible on the host (unlike `ip netns exec`).
in_ns() { nsenter --net="$NS_PATH" -- "$@"; }

# The host's default network namespace, for the guard route, even when a
# script runs inside the lab namespace (e.g. `lab-ns lab-down`): our own if it
# is not the lab's, else that of the nearest ancestor outside the lab
# (/proc/1/ns is not readable here). Sets HOST_NETNS; call it before the lab
# namespace is deleted.
HOST_NETNS=""
find_host_netns() {
  local lab p ino
  lab=$(stat -L -c %i "$NS_PATH" 2>/dev/null || echo none)
  p=$$
  while [[ $p =~ ^[0-9]+$ ]] && ((p > 1)); do
    ino=$(stat -L -c %i "/proc/$p/ns/net" 2>/dev/null) || break
    if [[ $ino != "$lab" ]]; then
      HOST_NETNS=/proc/$p/ns/net
      return 0
    fi
    p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || break
  done
  die "cannot find the host's default network namespace (all ancestors are in $NETNS)"
}
in_default_ns() {
  [[ -n $HOST_NETNS ]] || find_host_netns
  if [[ $HOST_NETNS == "/proc/$$/ns/net" ]]; then "$@"; else nsenter --net="$HOST_NETNS" -- "$@"; fi
}

# PIDs of the host processes of UML nodes of this lab: executable linux.uml and
# both "uml_dir=$STATE/uml" and "umid=<node>" as exact command-line words.
# $1: node name, or empty for every node. Processes that vanish mid-scan are skipped.
uml_pids() {
  local want=${1:-} p exe a has_dir has_id
  local -a args
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    [[ $exe == "$UML_BIN" ]] || continue
    mapfile -d '' -t args <"$p/cmdline" 2>/dev/null || continue
    has_dir=0 has_id=0
    for a in "${args[@]}"; do
      [[ $a == "uml_dir=$STATE/uml" ]] && has_dir=1
      if [[ -n $want ]]; then [[ $a == "umid=$want" ]] && has_id=1
      else [[ $a == umid=gl-n* ]] && has_id=1; fi
    done
    ((has_dir && has_id)) && printf '%s\n' "${p#/proc/}"
  done
  return 0
}

# True if the process exists and is not a zombie (PID 1 here reaps lazily).
pid_alive() {
  local st
  st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  st=${st##*) }
  [[ ${st:0:1} != Z ]]
}

# Send SIGKILL to the given PIDs and wait (max 10 s) until they are gone.
kill_pids() {
  local p i
  (($#)) || return 0
  kill -KILL "$@" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    local alive=0
    for p in "$@"; do pid_alive "$p" && alive=1; done
    ((alive)) || return 0
    sleep 0.1
  done
  log "WARNING: still alive after SIGKILL: $*"
  return 1
}

# Main (kernel) PID of a running node. lab-up records it when it starts the
# node; check it is still that node (the PID could have been reused).
node_main_pid() {
  local f="$STATE/nodes/$1/pid" p
  [[ -r $f ]] || return 1
  p=$(<"$f") || return 1
  [[ $p =~ ^[0-9]+$ ]] && pid_alive "$p" || return 1
  # Not `uml_pids | grep -q`: with pipefail, grep's early exit fails the pipe.
  local all
  all=$(uml_pids "$1")
  [[ $'\n'$all$'\n' == *$'\n'$p$'\n'* ]] || return 1
  echo "$p"
}

ssh_cfg() { printf '%s/ssh/config' "$STATE"; }

# ssh to a node (name or IP) from inside the namespace. Extra ssh options first.
node_ssh() { in_ns ssh -F "$(ssh_cfg)" "$@"; }
