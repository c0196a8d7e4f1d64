# Shared by the benchmark scripts (sourced, not run). They set $work (a scratch
# folder) and $runs before calling these.

# "WALL_MS CPU_MS" of one run of "$@" (output and exit code ignored). CPU is the
# user + system time of every process it ran, from `times` in this shell (the
# CPU of its finished children, before and after): call it in this shell, not
# in a $(...) subshell, and redirect its output to a file.
timed() {
  local start end
  times > "$work/cpu0"
  start=$(date +%s%N)
  "$@" > /dev/null 2>&1 || true
  end=$(date +%s%N)
  times > "$work/cpu1"
  echo "$(((end - start) / 1000000)) $(($(cpu_ms "$work/cpu1") - $(cpu_ms "$work/cpu0")))"
}

# The children's user + system time that `times` wrote to $1, in ms.
cpu_ms() {
  tail -1 "$1" | awk '{
    split($1, u, /[ms]/); split($2, s, /[ms]/)
    printf "%d\n", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }'
}

# The median of the numbers on standard input ($runs of them).
median() { sort -n | sed -n "$(((runs + 1) / 2))p"; }

# The 1-minute load average.
load() { cut -d' ' -f1 /proc/loadavg; }
