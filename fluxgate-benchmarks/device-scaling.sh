#!/usr/bin/env bash
# Issue 16's scaling run (one breaker at 1, 4, 8 and 16 threads) on a 16-core machine without a JDK or
# Maven, such as the device machine.
#
#   fluxgate-benchmarks/device-scaling.sh prepare   # here: builds the jar, jlinks a JDK 25 runtime into .device/
#   fluxgate-benchmarks/device-scaling.sh run       # there, from the repository root, carrying .device
#
# `run` writes BENCHMARKS-16.md (when python3 is there) and the JMH JSON under $OUT (default .device/out);
# without python3, run `python3 fluxgate-benchmarks/report.py <folder with jmh-t*.json>` here.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
prepare)
    mvn -B -q -pl fluxgate-benchmarks -am -DskipTests package
    rm -rf .device/jre && mkdir -p .device
    cp fluxgate-benchmarks/target/benchmarks.jar .device/
    jdk="${JDK:-$(ls -d /usr/lib/jvm/temurin-25* | head -1)}"
    "$jdk/bin/jlink" --add-modules java.base,java.management,jdk.management,jdk.unsupported,jdk.jfr \
        --strip-debug --no-man-pages --no-header-files --compress=zip-9 --output .device/jre
    du -sh .device ;;
run)
    out="${OUT:-.device/out}"
    mkdir -p "$out/r"
    nproc; grep -m1 'model name' /proc/cpuinfo || true
    SKIP_BUILD=1 SKIP_SIZES=1 JAVA=.device/jre/bin/java JAR=.device/benchmarks.jar THREADS="1 4 8 16" \
        RESULTS=/tmp/fluxgate-scaling REPORT="$out/BENCHMARKS-16.md" \
        bash fluxgate-benchmarks/run.sh --quick 'ClosedBenchmark.closed(Count|Time)_' > /tmp/fluxgate-scaling.log 2>&1
    # at most a few files come back from such a machine: the JSON and the run's metadata
    cp /tmp/fluxgate-scaling/jmh-t*.json /tmp/fluxgate-scaling/meta.md "$out/r/"
    grep -hE '^ClosedBenchmark' /tmp/fluxgate-scaling/jmh-t*.log ;;
*)
    echo "usage: $0 prepare|run" >&2; exit 2 ;;
esac
