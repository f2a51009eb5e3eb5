#!/usr/bin/env bash
# Quick jcstress run for CI: builds fluxgate-jcstress and runs every Fluxgate stress test once, briefly,
# in one JVM configuration. Fails if any test has a FORBIDDEN outcome, errors, or did not run.
# The full run (all JVM modes, default iterations) is documented in RELIABILITY.md:
#   java -jar fluxgate-jcstress/target/jcstress.jar -t dev.fluxgate
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q -pl fluxgate-jcstress -am package -DskipTests

out="fluxgate-jcstress/target/jcstress-quick"
rm -rf "$out" && mkdir -p "$out"
log="$out/output.txt"
expected=$(find fluxgate-jcstress/src/main/java -name '*Stress.java' | wc -l)

# One JVM mode (-jvmArgs), no split compilation, one fork, one short iteration per test.
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
( cd "$out" && "$java" -jar ../jcstress.jar -t 'dev\.fluxgate\.' -c 2 -time "${JCSTRESS_TIME_MS:-300}" -iters 1 -f 1 \
    -sc false -jvmArgs "-Xmx256m" -r results ) > "$log" 2>&1 || { tail -50 "$log"; echo "jcstress failed"; exit 1; }

summary=$(grep -E 'Results: [0-9]+ planned' "$log" | tail -1)
echo "jcstress quick: $summary"
if ! grep -q 'Failed tests: No matches.' "$log" || ! grep -q 'Error tests: No matches.' "$log"; then
  sed -n '/RUN RESULTS/,$p' "$log"
  echo "jcstress found FORBIDDEN outcomes or errors (report: $out/results/index.html)"
  exit 1
fi
ran=$(ls "$out/results" | grep -c '^dev\.fluxgate\..*\.html$' || true)
if [ "$ran" -ne "$expected" ]; then
  echo "jcstress ran $ran of $expected Fluxgate stress tests (each needs at most 2 CPUs)"
  exit 1
fi
echo "jcstress quick: $ran tests passed"
