#!/usr/bin/env bash
# Side by side, in one run, on the same model files: eosflip (whole process: start, read the
# file, analyse, print JSON) and JAX's faster way (Gauss–Newton through jacrev, warm, compile
# excluded). Both on one core (taskset), plus eosflip on every core. Medians of 5.
# Usage: bench/compare/side_by_side.sh /tmp/models/net_{26,95,310,995}_64.json
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
eos=${EOSFLIP:-$here/../../target/release/eosflip}
cpu=${BENCH_CPU:-1}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# wall seconds of one command (nanosecond clock)
secs() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); echo "($t1 - $t0)/1000000000" | bc -l; }
printf "%-28s %9s %13s %13s %13s %9s %9s\n" model P eosflip_1core eosflip_all jax_gn_warm ratio peak_MB
for f in "$@"; do
  p=$(python3 -c "import json,sys; w=json.load(open(sys.argv[1]))['widths']; print(sum(b*(a+1) for a,b in zip(w,w[1:])))" "$f")
  one=$(for i in 1 2 3 4 5; do secs taskset -c "$cpu" "$eos" analyze --model "$f" --json; done | median)
  all=$(for i in 1 2 3 4 5; do secs "$eos" analyze --model "$f" --json; done | median)
  mem=$(/usr/bin/time -f "%M" "$eos" analyze --model "$f" --json 2>&1 >/dev/null | tail -1)
  jax=$(BENCH_CPUS=$cpu python3 "$here/jax_flip.py" "$f" --ways gauss_newton --repeat 5 --json \
        | python3 -c "import json,sys; r=json.load(sys.stdin); print(r['gauss_newton']['time_s']['total'])")
  ratio=$(python3 -c "print(f'{$jax/$one:.2f}')")
  printf "%-28s %9s %12.3fs %12.3fs %12.3fs %8sx %9.0f\n" "$(basename "$f")" "$p" "$one" "$all" "$jax" "$ratio" "$(python3 -c "print($mem/1024)")"
done
