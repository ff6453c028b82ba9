# Shared by bench/run and bench/io-models/run: tools, server start-up and clean-up, wrk runs and their figures.
# Source it after `set -euo pipefail`; it reads BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_THREADS.

bench_duration=${BENCH_DURATION:-10s}
bench_warmup=${BENCH_WARMUP:-2s}
bench_connections=${BENCH_CONNECTIONS:-16 256}
bench_threads=${BENCH_THREADS:-2}
bench_script=${bench_script:-bench}

bench_fail() { echo "$bench_script: $*" >&2; exit 1; }

# Installs wrk, curl and any extra package given (e.g. nginx) when missing, with the build dependencies.
bench_install_tools() {
    local need=() package
    command -v wrk >/dev/null || need+=(wrk)
    command -v curl >/dev/null || need+=(curl)
    for package in "$@"; do
        command -v "$package" >/dev/null || [ -x "/usr/sbin/$package" ] || need+=("$package")
    done
    "$bench_root/scripts/install-deps" "${need[@]}" || bench_fail "could not install ${need[*]:-the build dependencies}"
    export PATH="$PATH:/usr/sbin"
    for package in wrk curl "$@"; do
        command -v "$package" >/dev/null || bench_fail "$package is not installed"
    done
}

# A scratch folder for configs and logs, removed on success and kept (and named) on failure; servers started with
# bench_started are stopped on any exit.
bench_work=$(mktemp -d "${TMPDIR:-/tmp}/dealhook-bench.XXXXXX")
bench_pids=()
bench_cleanup() {
    local status=$? pid
    for pid in "${bench_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${bench_pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ $status -ne 0 ]; then
        echo "$bench_script: failed; server logs kept in $bench_work" >&2
    else
        rm -rf "$bench_work"
    fi
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# Records that process $1 is ours to stop on exit.
bench_started() { bench_pids+=("$1"); }

# A port that nothing on loopback answers on (for servers that cannot take port 0).
bench_free_port() {
    local port
    for _ in $(seq 100); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    bench_fail "found no free loopback port"
}

# The port in the "… listening on http://127.0.0.1:PORT" line that server $1 (process $2) prints to file $3.
bench_announced_port() {
    local name=$1 pid=$2 file=$3 port
    for _ in $(seq 100); do
        port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$file" | head -1)
        if [ -n "$port" ]; then
            echo "$port"
            return
        fi
        kill -0 "$pid" 2>/dev/null || bench_fail "$name exited during start-up; its log: $bench_work/$name.log"
        sleep 0.1
    done
    bench_fail "$name printed no listening address within 10 s; its log: $bench_work/$name.log"
}

# Waits until `GET /healthz` on port $2 answers the health body, while process $3 (server $1) lives.
bench_wait_ready() {
    local name=$1 port=$2 pid=$3
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || bench_fail "$name exited during start-up; its log: $bench_work/$name.log"
        if [ "$(curl -s --max-time 1 "http://127.0.0.1:$port/healthz" 2>/dev/null)" = '{"status":"ok"}' ]; then
            return
        fi
        sleep 0.1
    done
    bench_fail "$name did not answer GET /healthz on 127.0.0.1:$port within 10 s; its log: $bench_work/$name.log"
}

# Peak resident set (VmHWM) of a process and its children, in KiB (nginx's master and worker count together).
bench_peak_rss_kib() {
    local pid=$1 total=0 process kib
    for process in $pid $(pgrep -P "$pid" || true); do
        kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$process/status" 2>/dev/null || true)
        total=$((total + ${kib:-0}))
    done
    echo "$total"
}

bench_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# wrk's latency text (812.00us, 1.20ms, 1.02s, 1.00m) in milliseconds.
bench_to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else { print "?" }
    }'
}

# Loads server $1 (process $2, port $3) with $4 keep-alive connections, keeping wrk's output in $5;
# sets rps, p50 and p99 (milliseconds).
bench_load() {
    local name=$1 pid=$2 port=$3 count=$4 file=$5 url="http://127.0.0.1:$3/healthz"
    echo "$bench_script: $name, $count connections, $bench_duration" >&2
    if [ "$bench_warmup" != "0" ]; then
        wrk -t"$bench_threads" -c"$count" -d"$bench_warmup" "$url" >"$bench_work/warm-up.txt" 2>&1 ||
            bench_fail "wrk warm-up against $name failed: $(cat "$bench_work/warm-up.txt")"
    fi
    wrk -t"$bench_threads" -c"$count" -d"$bench_duration" --latency "$url" >"$file" 2>&1 ||
        bench_fail "wrk against $name failed: $(cat "$file")"
    kill -0 "$pid" 2>/dev/null || bench_fail "$name died under load; its log: $bench_work/$name.log"
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$file")
    p50=$(bench_to_ms "$(awk '$1 == "50%" { print $2 }' "$file")")
    p99=$(bench_to_ms "$(awk '$1 == "99%" { print $2 }' "$file")")
    [ -n "$rps" ] || bench_fail "could not read wrk's output for $name: $file"
    if grep -q -e '^  Socket errors' -e '^  Non-2xx' "$file"; then
        echo "$bench_script: warning: $name at $count connections:" \
            "$(grep -e 'Socket errors' -e 'Non-2xx' "$file" | xargs)" >&2
    fi
}

# The first line of every summary: the machine and the run's settings.
bench_header() {
    echo "# $bench_script $1; $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg);" \
        "wrk -t$bench_threads -d$bench_duration (warm-up $bench_warmup), keep-alive; peak RSS is VmHWM over all runs"
}

# --- Used by bench/intake, bench/client and bench/delivery ---

# The median of the numbers given (the mean of the middle two for an even count).
bench_median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "?"; exit }
        if (NR % 2) { print v[(NR + 1) / 2] } else { printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 } }'
}

# Loads URL $3 of server $1 (process $2) with $4 keep-alive connections and the wrk Lua script $5 (empty for a
# plain GET), keeping wrk's output in $6; the warm-up runs script $7 when given (requests of its own), else $5,
# and leaves its output in $bench_work/warm-up.txt. Sets rps, p50 and p99 (ms), requests, non2xx (wrk's
# non-2xx-or-3xx count), socket_errors, and ok_rps: responses that were not counted as non-2xx, per second.
bench_wrk() {
    local name=$1 pid=$2 url=$3 count=$4 script=$5 file=$6 warm_up_script=${7:-$5} args seconds
    args=(-t"$bench_threads" -c"$count")
    echo "$bench_script: $name, $count connections, $bench_duration" >&2
    if [ "$bench_warmup" != "0" ]; then
        wrk "${args[@]}" ${warm_up_script:+-s "$warm_up_script"} -d"$bench_warmup" "$url" \
            >"$bench_work/warm-up.txt" 2>&1 ||
            bench_fail "wrk warm-up against $name failed: $(cat "$bench_work/warm-up.txt")"
    fi
    wrk "${args[@]}" ${script:+-s "$script"} -d"$bench_duration" --latency "$url" >"$file" 2>&1 ||
        bench_fail "wrk against $name failed: $(cat "$file")"
    kill -0 "$pid" 2>/dev/null || bench_fail "$name died under load; its log: $bench_work/$name.log"
    bench_wrk_figures "$file"
    [ -n "$rps" ] || bench_fail "could not read wrk's output for $name: $file"
    if [ "$non2xx" != 0 ] || [ "$socket_errors" != 0 ]; then
        echo "$bench_script: warning: $name at $count connections: $non2xx non-2xx, $socket_errors socket errors" >&2
    fi
}

# Reads the figures of bench_wrk from wrk's output file $1.
bench_wrk_figures() {
    local file=$1 seconds
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$file")
    p50=$(bench_to_ms "$(awk '$1 == "50%" { print $2 }' "$file")")
    p99=$(bench_to_ms "$(awk '$1 == "99%" { print $2 }' "$file")")
    requests=$(awk '/ requests in / { print $1 }' "$file")
    seconds=$(bench_to_ms "$(awk '/ requests in / { sub(/,$/, "", $4); print $4 }' "$file")")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$file")
    non2xx=${non2xx:-0}
    socket_errors=$(sed -n 's/^  Socket errors: //p' "$file" | tr -cs '0-9' ' ' | awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; print s }')
    socket_errors=${socket_errors:-0}
    ok_rps=$(awk -v r="${requests:-0}" -v n="$non2xx" -v ms="$seconds" 'BEGIN { if (ms > 0) printf "%.0f", (r - n) / (ms / 1000); else print 0 }')
}

# The value of a Prometheus sample in the text $1 whose line starts with $2 (name and labels), summed; 0 if none.
bench_metric() {
    awk -v prefix="$2" 'index($0, prefix) == 1 { s += $NF } END { printf "%.0f\n", s }' <<<"$1"
}
