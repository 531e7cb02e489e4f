#!/bin/sh
# Compile cost of an application's translation units: wall time and the compiler's peak
# memory (/usr/bin/time -v), with the flags an application that uses the installed
# library gets (pkg-config's relate-sqlite: -I<prefix>/include -std=c++20) plus the
# optimisation an application builds with (OPT, default -O2 -DNDEBUG).
#
#   bench/compile/measure.sh [PREFIX]
#
# PREFIX: an installed Relate (cmake --install). Without it, the script builds the
# libraries (Release, SQLite backend only) in $BUILD_DIR (default build/compile-bench)
# and installs them into $BUILD_DIR/prefix first.
#
# Environment: CXX (default g++), OPT (default "-O2 -DNDEBUG"), RUNS (default 3: each
# TU is compiled RUNS times and the fastest run is printed, with its memory),
# RUN_TUS=1 also links blog_models and runs it, NICE (default "nice").
#
# Prints one line per translation unit:
#   umbrella_only            1.23 s    205.4 MB  (cpu 1.20 s)
# (wall time, the target; user+system CPU time too, steadier on a busy machine)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CXX=${CXX:-g++}
OPT=${OPT:--O2 -DNDEBUG}
RUNS=${RUNS:-3}
RUN_TUS=${RUN_TUS:-0}
NICE=${NICE:-nice}

if [ $# -ge 1 ]; then
  prefix=$(cd "$1" && pwd)
else
  build=${BUILD_DIR:-$root/build/compile-bench}
  prefix=$build/prefix
  if [ ! -f "$prefix/lib/pkgconfig/relate-sqlite.pc" ]; then
    echo "Building Relate (Release, SQLite only) in $build ..." >&2
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DRELATE_WITH_POSTGRES=OFF -DRELATE_WITH_MYSQL=OFF >/dev/null
    $NICE cmake --build "$build" -j1 >/dev/null
    cmake --install "$build" --prefix "$prefix" >/dev/null
  fi
fi

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
cflags=$(pkg-config --cflags relate-sqlite)
libs=$(pkg-config --libs relate-sqlite)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "$CXX $OPT $cflags" >&2

# measure NAME SOURCE [EXTRA FLAGS...]
measure() {
  name=$1 src=$2
  shift 2
  best_s= best_mb= best_cpu=
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    # shellcheck disable=SC2086
    if ! /usr/bin/time -v -o "$out/time" $NICE $CXX $OPT $cflags "$@" -c "$src" \
      -o "$out/$name.o" 2>"$out/err"; then
      cat "$out/err" "$out/time" >&2
      echo "$name: compilation failed" >&2
      exit 1
    fi
    s=$(awk -F': ' '/Elapsed \(wall clock\)/ {
          n = split($2, t, ":"); v = 0; for (k = 1; k <= n; ++k) v = v * 60 + t[k]; print v }' \
        "$out/time")
    cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { y = $2 } END { printf "%.2f", u + y }' \
        "$out/time")
    mb=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$out/time")
    if [ -z "$best_s" ] || awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
      best_s=$s best_mb=$mb best_cpu=$cpu
    fi
    i=$((i + 1))
  done
  printf '%-26s %6.2f s  %7s MB  (cpu %s s)\n' "$name" "$best_s" "$best_mb" "$best_cpu"
  if [ "$RUN_TUS" = 1 ] && [ "$name" != umbrella_only ]; then
    # shellcheck disable=SC2086
    $CXX "$out/$name.o" $libs -o "$out/$name" && "$out/$name" >/dev/null
  fi
}

measure umbrella_only "$here/umbrella_only.cpp"
measure blog_models "$here/blog_models.cpp"
measure blog_models_no_queries "$here/blog_models.cpp" -DRELATE_BENCH_NO_QUERIES
measure blog_models_mapping_only "$here/blog_models.cpp" -DRELATE_BENCH_MAPPING_ONLY
measure blog_models_half "$here/blog_models.cpp" -DRELATE_BENCH_HALF_MODELS
