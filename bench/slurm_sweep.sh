#!/usr/bin/env bash
# A sweep through a real Slurm: starts a private single-node Slurm (munged, slurmctld, slurmd
# from Debian 12's packages, installed if missing) with its own munge key, config, state and
# logs in a temporary directory; writes the jobs of a small sweep with `sasgsim sweep
# --emit-jobs`, submits them as one job array (`sbatch --array=1-N --wait`, one line of the
# jobs file per array task), runs `sasgsim sweep --collect` on the results, and checks that
# sweep.csv has one row per point and algorithm and equals that of the same sweep run locally
# (`--jobs 1`). Exits non-zero when a check fails; the daemons it started are stopped on exit.
# Needs root (it installs packages and runs the daemons) and the MNIST files in data/mnist.
# CI cannot host the daemons: this is a bench script, run by hand.
# Usage: bench/slurm_sweep.sh [SASGSIM_BINARY]
#   SASGSIM_BINARY (or env SASGSIM): the binary to run, default build/sasgsim
#   env KEEP=1: keep the temporary directory (config, daemon logs, both sweeps) and print it
#   env FULL=1: sweep scenarios/sweep_workers.json as shipped instead of the 60-iteration one
#   env SLURMCTLD_PORT / SLURMD_PORT: the daemons' ports, default 6817 / 6818
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
bin=${1:-${SASGSIM:-build/sasgsim}}
[ -x "$bin" ] || { echo "$bin not found: build sasgsim (scripts/setup.sh) or give its path" >&2; exit 1; }
bin=$(realpath "$bin")
[ "$(id -u)" -eq 0 ] || { echo "run as root: the script installs packages and starts munged, slurmctld and slurmd" >&2; exit 1; }
ctld_port=${SLURMCTLD_PORT:-6817}
slurmd_port=${SLURMD_PORT:-6818}

# The sweep: sweep_workers.json at 2, 4 and 8 workers x 100 Mbps and 1 Gbps, 60 iterations:
# 6 points, 3 training runs (each with the replay of its other bandwidth) = 3 array tasks.
scenario=scenarios/sweep_workers.json
sets=(--set train.iterations=60 --set train.eval_every=30 --set train.target_accuracy=70
      --set 'sweep={"workers": [2, 4, 8], "network.bandwidth": ["100Mbps", "1Gbps"]}')
# FULL=1: the scenario as shipped (2, 4, 8 and 16 workers, 300 iterations: 4 array tasks).
[ "${FULL:-0}" = 1 ] && sets=()

if ! command -v munged >/dev/null || ! command -v slurmctld >/dev/null \
   || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null; then
  echo "== installing slurmctld, slurmd, slurm-client and munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null
fi

tmp=$(mktemp -d /tmp/slurm_sweep.XXXXXX)
pids=()        # the daemons: munged, slurmctld, slurmd
sbatch_pid=
cleanup() {
  local status=$?
  # Cancel the array if it is still running (an interrupted sbatch --wait), then stop the
  # daemons this script started, by their process ids, slurmd first.
  [ -n "$sbatch_pid" ] && { kill "$sbatch_pid" 2>/dev/null || true; }
  if [ "${#pids[@]}" -ge 2 ] && kill -0 "${pids[1]}" 2>/dev/null; then
    timeout 10 scancel --name=sasgsim-sweep 2>/dev/null || true
    for _ in $(seq 20); do
      [ -z "$(timeout 5 squeue -h --name=sasgsim-sweep 2>/dev/null)" ] && break; sleep 0.5
    done
  fi
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    for log in "$tmp"/log/*.log; do
      [ -f "$log" ] && { echo "---- tail of $log" >&2; tail -n 20 "$log" >&2; }
    done
  fi
  if [ "${KEEP:-0}" = 1 ] || [ "$status" -ne 0 ]; then
    echo "kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
host=$(hostname -s)
chmod 755 "$tmp"  # munged wants its socket's directories searchable by all
mkdir -p "$tmp"/{munge,log,state,spool}

# The daemons run in sessions of their own (setsid), so that Ctrl-C reaches only this script,
# whose exit trap cancels the array before it stops them.
# munge: a private daemon with a key of its own and its own socket, so that a system munged
# (if any) and /etc/munge/munge.key are left alone; Slurm reaches it through AuthInfo=socket=.
key=$tmp/munge/munge.key
if command -v mungekey >/dev/null; then
  mungekey --create --keyfile="$key"
else
  dd if=/dev/urandom of="$key" bs=1024 count=1 status=none
fi
chmod 600 "$key"
socket=$tmp/munge/munge.socket
setsid munged --foreground --key-file="$key" --socket="$socket" --pid-file="$tmp/munge/munged.pid" \
  --seed-file="$tmp/munge/munged.seed" >"$tmp/log/munged.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done
munge --socket="$socket" --no-input | unmunge --socket="$socket" >/dev/null \
  || { echo "munged did not start, or its credentials do not decode" >&2; exit 1; }

cpus=$(nproc)
memory=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
export SLURM_CONF=$tmp/slurm.conf
cat >"$SLURM_CONF" <<EOF
# A private single-node Slurm for bench/slurm_sweep.sh: no cgroups, no accounting.
ClusterName=sasgsim
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=bench Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

echo "== starting slurmctld and slurmd on $host ($cpus CPUs, $memory MB), config $SLURM_CONF"
setsid slurmctld -D -i -f "$SLURM_CONF" >>"$tmp/log/slurmctld.out" 2>&1 &
pids+=($!)
setsid slurmd -D -f "$SLURM_CONF" >>"$tmp/log/slurmd.out" 2>&1 &
pids+=($!)
state=
for _ in $(seq 120); do
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "a daemon exited (pid $pid)" >&2; exit 1; }
  done
  sleep 0.5
done
[ "$state" = idle ] || { echo "node $host not idle after 60 s (state: ${state:-none})" >&2; exit 1; }
sinfo

now() { date +%s.%N; }
echo "== sasgsim sweep $scenario --emit-jobs"
"$bin" sweep "$scenario" "${sets[@]}" --emit-jobs "$tmp/jobs.txt" --out "$tmp/slurm"
tasks=$(wc -l <"$tmp/jobs.txt")
[ "$tasks" -ge 2 ] || { echo "expected at least 2 job lines, got $tasks" >&2; exit 1; }

# The commands of README.md ("Scale-out"), with the jobs file and results in $tmp. The array
# task runs line $SLURM_ARRAY_TASK_ID of the jobs file with sh.
cd "$tmp"
# shellcheck disable=SC2016  # the wrapper's $SLURM_ARRAY_TASK_ID and $1 are for sh, later
printf '#!/bin/sh\nsed -n "${SLURM_ARRAY_TASK_ID}p" "$1" | sh\n' > array_task.sh
echo "== sbatch --array=1-$tasks --wait"
t0=$(now)
# sbatch --wait exits with the highest exit status of the array's tasks. It polls after 2, 8,
# 32, 32... s (while MinJobAge, default 300 s, keeps finished tasks listed), so its wall time
# overstates the array's; the tasks' own start and end times come from scontrol below.
failed=0
sbatch --array=1-"$(wc -l < jobs.txt)" --wait --cpus-per-task=1 --job-name=sasgsim-sweep \
  --output='slurm/logs/slurm-%A_%a.log' array_task.sh jobs.txt &
sbatch_pid=$!  # waited for in the background, so that Ctrl-C reaches the trap at once
wait "$sbatch_pid" || failed=1
sbatch_pid=
t1=$(now)
cd "$repo"
timeout 30 scontrol --oneliner show job >"$tmp/scontrol.txt"  # all jobs: this cluster ran only ours
/usr/bin/python3 - "$tmp/scontrol.txt" <<'PY' | tee "$tmp/tasks.txt"
import datetime, re, sys
tasks = []
for line in open(sys.argv[1]):
    f = dict(re.findall(r"(\w+)=(\S*)", line))
    try:
        start, end = (datetime.datetime.fromisoformat(f[k]) for k in ("StartTime", "EndTime"))
        tasks.append((int(f["ArrayTaskId"]), f["JobState"], f["ExitCode"], start, end))
    except (KeyError, ValueError):  # tasks not started (a range "2-3"), times "Unknown"
        print(f"task {f.get('ArrayTaskId', '?')}: {f.get('JobState', '?')}")
if not tasks:
    sys.exit(0)
tasks.sort()
print("task  state       exit  start     end       seconds")
for task, state, code, start, end in tasks:
    print(f"{task:>4}  {state:<10}  {code:<4}  {start:%H:%M:%S}  {end:%H:%M:%S}  "
          f"{(end - start).total_seconds():7.0f}")
span = max(t[4] for t in tasks) - min(t[3] for t in tasks)
print(f"first start to last end: {span.total_seconds():.0f} s")
PY
[ "$failed" -eq 0 ] || { echo "sbatch --wait: an array task failed (logs: $tmp/slurm/logs)" >&2; exit 1; }

# The plots need matplotlib; sweep.csv does not.
plots=(--no-plots)
if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  plots=()
  export SASGSIM_ANALYSIS_DIR=${SASGSIM_ANALYSIS_DIR:-$PWD/analysis}
fi
echo "== sasgsim sweep --collect $tmp/slurm ${plots[*]}"
"$bin" sweep --collect "$tmp/slurm" "${plots[@]}"

echo "== the same sweep locally, --jobs 1"
t2=$(now)
"$bin" sweep "$scenario" "${sets[@]}" --jobs 1 --quiet --no-plots --out "$tmp/local" >/dev/null
t3=$(now)

# Every column of sweep.csv is a simulated or trained figure (no wall-clock times), so the two
# files must be equal byte for byte.
/usr/bin/python3 - "$tmp/slurm" "$tmp/local" "$tasks" "$t0" "$t1" "$t2" "$t3" <<'PY'
import csv, json, sys
slurm, local, tasks = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0, t1, t2, t3 = map(float, sys.argv[4:8])
plan = json.load(open(slurm + "/sweep.json"))
rows = list(csv.DictReader(open(slurm + "/sweep.csv")))
ok = True
for p in plan["points"]:
    algorithms = json.load(open(f"{slurm}/{p['name']}/manifest.json"))["algorithms"]
    got = [r["algorithm"] for r in rows if r["point"] == p["name"]]
    if got != algorithms:
        print(f"FAIL: {p['name']}: rows for {got}, expected {algorithms}")
        ok = False
if len(rows) != sum(1 for r in rows if r["point"] in {p["name"] for p in plan["points"]}):
    print("FAIL: sweep.csv has rows of points the plan does not list")
    ok = False
same = open(slurm + "/sweep.csv", "rb").read() == open(local + "/sweep.csv", "rb").read()
if not same:
    print("FAIL: sweep.csv of the Slurm array differs from the local run's")
    ok = False
points = len(plan["points"])
print(f"{points} points, {len(rows)} rows; {tasks} array tasks, sbatch --wait {t1 - t0:.1f} s; "
      f"local --jobs 1: {t3 - t2:.1f} s; sweep.csv "
      f"{'equal to' if same else 'DIFFERENT from'} the local run's")
sys.exit(0 if ok else 1)
PY
