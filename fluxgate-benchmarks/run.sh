#!/usr/bin/env bash
# Builds fluxgate-benchmarks and runs every benchmark (Fluxgate, Resilience4j, Failsafe in the same
# run) at 1, 2 and 4 threads, the 1-thread run with -prof gc for B/op; measures retained sizes with
# JOL; rewrites BENCHMARKS.md at the repository root.
#
#   fluxgate-benchmarks/run.sh [--quick] [JMH benchmark regex...]
#
# --quick: 1 fork, 3 x 0.2 s warm-up, 8 x 0.2 s measurement (about 8 minutes on 2 cores, build
# included); otherwise 2 forks, 5 x 1 s warm-up, 10 x 0.5 s measurement. Many short iterations give a
# shared machine more chances of an undisturbed one: the report uses each benchmark's best iteration.
# Environment: JMH_ARGS (replaces the fork/warm-up/measurement options of either mode; failure paths
# need warm-ups of 1 s or more in all, or they measure the JIT still compiling), THREADS (default "1 2 4"), JAVA (default java), SKIP_BUILD=1 with JAR=path to run a
# prebuilt benchmarks.jar (a machine without Maven), REPORT (default BENCHMARKS.md), RESULTS (the folder
# for JMH's JSON and logs, default fluxgate-benchmarks/target/results), SKIP_SIZES=1 to skip JOL.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
if [[ "${1:-}" == "--quick" ]]; then
    QUICK=1
    shift
fi
THREADS="${THREADS:-1 2 4}"
JAVA="${JAVA:-java}"
JAR="${JAR:-fluxgate-benchmarks/target/benchmarks.jar}"
REPORT="${REPORT:-BENCHMARKS.md}"
RESULTS="${RESULTS:-fluxgate-benchmarks/target/results}"
COMMAND="fluxgate-benchmarks/run.sh$([[ $QUICK == 1 ]] && echo ' --quick')${*:+ $*}"
[[ "$THREADS" != "1 2 4" ]] && COMMAND="THREADS=\"$THREADS\" $COMMAND"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    mvn -B -q -pl fluxgate-benchmarks -am -DskipTests package
fi
if [[ -n "${JMH_ARGS:-}" ]]; then
    read -r -a JMH_OPTS <<< "$JMH_ARGS"
    COMMAND="JMH_ARGS=\"$JMH_ARGS\" $COMMAND"
elif [[ $QUICK == 1 ]]; then
    JMH_OPTS=(-f 1 -wi 3 -w 200ms -i 8 -r 200ms)
else
    JMH_OPTS=(-f 2 -wi 5 -w 1s -i 10 -r 500ms)
fi
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
LOAD_BEFORE="$(uptime)"
START=$(date +%s)

for t in $THREADS; do
    PROF=()
    [[ $t == 1 ]] && PROF=(-prof gc)
    "$JAVA" -jar "$JAR" "${JMH_OPTS[@]}" -t "$t" "${PROF[@]}" -rf json -rff "$RESULTS/jmh-t$t.json" "$@" \
        | tee "$RESULTS/jmh-t$t.log"
done
if [[ "${SKIP_SIZES:-0}" != 1 ]]; then
    "$JAVA" -Djol.magicFieldOffset=true -cp "$JAR" dev.fluxgate.benchmarks.RetainedSize "$RESULTS/sizes.json"
fi

LOAD_AFTER="$(uptime)"
cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)"
{
    echo "## Machine and command"
    echo
    commit=unknown
    if git rev-parse --short HEAD >/dev/null 2>&1; then
        commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!BENCHMARKS.md' || echo ', with uncommitted changes')"
    fi
    echo "- Run at: $(date -u '+%Y-%m-%d %H:%M UTC') ($(( $(date +%s) - START )) s of benchmarking), commit \`$commit\`"
    echo "- CPU: ${cpu:-unknown}, $(nproc) cores visible; memory $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
    echo "- OS: $(uname -sr)"
    echo "- JDK: $("$JAVA" -version 2>&1 | head -2 | tr '\n' ' ')"
    echo "- Load (\`uptime\`) before: \`${LOAD_BEFORE# }\`; after: \`${LOAD_AFTER# }\`"
    echo "- Command: \`$COMMAND\`"
    echo "- JMH: \`java -jar benchmarks.jar ${JMH_OPTS[*]} -t N [-prof gc at N=1] -rf json\` for N in $THREADS"
} > "$RESULTS/meta.md"
if command -v python3 >/dev/null; then
    python3 fluxgate-benchmarks/report.py "$RESULTS" --out "$REPORT" --meta "$RESULTS/meta.md" \
        --notes fluxgate-benchmarks/NOTES.md
    echo "wrote $REPORT"
else
    echo "python3 not found: JMH results are in $RESULTS; run fluxgate-benchmarks/report.py on them elsewhere"
fi
