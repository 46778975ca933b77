#!/usr/bin/env bash
# Stops what .ci/slurm/start.sh started, by PID file (no pkill).
D=${SLURM_CI_DIR:-/tmp/slurm-ci}
for f in $D/run/slurmd.pid $D/run/slurmctld.pid /run/munge/munged.pid; do
  if [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; then
    p=$(cat "$f"); kill "$p"
    for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && kill -9 "$p"
    echo "stopped $f ($p)"
  fi
done
# remove the (empty) cgroups that proctrack/cgroup created
for c in /sys/fs/cgroup/*/slurm_$(hostname -s) /sys/fs/cgroup/*/slurm; do
  [ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null
done
true
