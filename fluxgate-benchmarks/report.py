#!/usr/bin/env python3
"""Turns JMH's JSON results and RetainedSize's JSON into BENCHMARKS.md (called by run.sh).

Benchmark methods are named case_implementation; for each case and thread count the ratio is
Fluxgate's ns/op over the best (lowest) peer's. Targets from issues 3 and 16 are checked from the same run.
The main table shows the cases listed in CASES; every benchmark class with any other case (a class this
script does not know included) gets a table of its own, rows grouped per case.
"""
import argparse
import glob
import json
import os
import re

PEER_NAMES = {
    'fluxgate': 'Fluxgate',
    'r4jSync': 'Resilience4j (synchronized window)',
    'r4jLockFree': 'Resilience4j (lock-free window)',
    'r4jUntimed': 'Resilience4j (untimed: duration 0)',
    'failsafe': 'Failsafe',
    'direct': 'direct call',
    'directPlusAtomic': 'direct call + 1 uncontended atomic',
    'noBudget': 'Fluxgate retry without a budget',
}

CASES = [
    ('floor', 'Floor: the task called directly'),
    ('closedCount', 'CLOSED success, count window 100 (`get` / `executeSupplier` / `get`)'),
    ('permitCount', 'CLOSED success, low-level permit API, count window 100'),
    ('closedTime', 'CLOSED success, time window 60 s'),
    ('closedTime1h', 'CLOSED success, time window 1 h (span independence)'),
    ('mixed', 'CLOSED, 10% failures, count window 100'),
    ('closedDecaying', 'CLOSED success, decaying window, half-life 41.6 s (no peer has one)'),
    ('mixedDecaying', 'CLOSED, 10% failures, decaying window (no peer has one)'),
    ('open', 'OPEN rejection (exception created and caught)'),
    ('openPermit', 'OPEN rejection through the permit API (no exception)'),
    ('halfOpenAdmit', 'HALF_OPEN admission (probe admitted and settled)'),
    ('halfOpenReject', 'HALF_OPEN rejection (every probe slot taken)'),
    ('async', 'Async success, already-completed stage'),
    ('retryNoRetry', 'Retry, first attempt succeeds: with a retry budget (Fluxgate) against the same retry without'),
    ('hedgeNotNeeded', 'Hedge not needed, sync (attempt on the executor, answers before the delay) against a plain call'),
    ('hedgeNotNeededAsync', 'Hedge not needed, async (already-completed stage) against joining the stage directly'),
]

# Cases no peer has, compared with Fluxgate's own case: case -> (the other case, its label).
OWN = {'closedDecaying': ('closedTime', 'time 60 s'), 'mixedDecaying': ('mixed', 'count 100')}

# Issue 12: rate limiters (RateLimiterBenchmark), in the main table with the best peer's ratio and in a
# section of their own with the ratio to each peer.
PEER_NAMES.update({
    'r4j': 'Resilience4j (AtomicRateLimiter)',
    'failsafeSmooth': 'Failsafe (smooth)',
    'failsafeBursty': 'Failsafe (bursty)',
    'bucket4j': 'Bucket4j (local, lock-free)',
    'bucket4jSync': 'Bucket4j (local, synchronized)',
    'guava': 'Guava',
    'nanoTime': '`System.nanoTime()` alone (the clock Fluxgate, Resilience4j, Failsafe, Guava read)',
    'currentTimeMillis': '`System.currentTimeMillis()` alone (Bucket4j\'s default clock)',
})
LIMITER_CASES = [
    ('limiterAcquired', 'Rate limiter, permit acquired (`tryAcquire`, 10^9 permits/s, burst 10^9)'),
    ('limiterRefused', 'Rate limiter, permit refused (`tryAcquire` on an empty limiter: 1 per day, burst 1)'),
]
CASES += LIMITER_CASES


def split(method):
    """case_implementation -> (case, implementation); a method without '_' is a case of one row."""
    case, _, impl = method.partition('_')
    return case, impl or method


def load(results, by_class=None):
    """{(case, impl, threads): {'ns': best iteration, 'mean': JMH score, 'err': its error, 'bop': B/op or None}}

    With by_class (a dict), also fills it: {class simple name: {(case, impl, threads): the same}}, so that
    classes whose case names collide (two 'floor' cases) stay apart.
    """
    data = {}
    for path in sorted(glob.glob(os.path.join(results, 'jmh-t*.json'))):
        with open(path) as f:
            runs = json.load(f)
        for r in runs:
            cls, method = r['benchmark'].rsplit('.', 2)[-2:]
            case, impl = split(method)
            t = r['threads']
            pm = r['primaryMetric']
            bop = r.get('secondaryMetrics', {}).get('gc.alloc.rate.norm', {}).get('score')
            iterations = [x for fork in pm.get('rawData', []) for x in fork]
            best = min(iterations) if iterations else pm['score']
            data[(case, impl, t)] = {'ns': best, 'mean': pm['score'], 'err': pm['scoreError'], 'bop': bop}
            if by_class is not None:
                by_class.setdefault(cls, {})[(case, impl, t)] = data[(case, impl, t)]
    return data


def fmt(x, digits=1):
    if x is None:
        return ''
    if x != x:  # NaN
        return 'n/a'
    return f'{x:,.{digits}f}'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('results')
    ap.add_argument('--out', required=True)
    ap.add_argument('--meta', required=True, help='a text file with the machine and command details')
    ap.add_argument('--notes', help='a markdown file appended verbatim')
    args = ap.parse_args()

    by_class = {}
    data = load(args.results, by_class)
    threads = sorted({k[2] for k in data})
    sizes = {}
    sp = os.path.join(args.results, 'sizes.json')
    if os.path.exists(sp):
        with open(sp) as f:
            sizes = json.load(f)

    def ns(case, impl, t):
        v = data.get((case, impl, t))
        return v['ns'] if v else None

    def best_peer(case, t):
        peers = [(v['ns'], k[1]) for k, v in data.items()
                 if k[0] == case and k[2] == t and k[1] != 'fluxgate']
        return min(peers) if peers else (None, None)

    def ratio(case, t, against=None):
        f = ns(case, 'fluxgate', t)
        if against:
            p = ns(*against, t) if isinstance(against, tuple) else ns(case, against, t)
        else:
            p = best_peer(case, t)[0]
        return f / p if f is not None and p else None

    out = []
    w = out.append
    with open(args.meta) as f:
        meta = f.read().strip()
    w('# Fluxgate benchmarks\n')
    w('Generated by `fluxgate-benchmarks/run.sh` from one run; do not edit by hand (notes come from '
      '`fluxgate-benchmarks/NOTES.md`). Scores are JMH average time per operation per thread, in ns '
      '(lower is better). The machine is shared, and an iteration during which a thread was '
      'descheduled only gets slower, so every figure and ratio below uses each benchmark\'s **best '
      'iteration** (the least disturbed one); JMH\'s mean over all iterations follows in parentheses. '
      'B/op is `-prof gc`\'s `gc.alloc.rate.norm` from the single-thread run. Ratios are Fluxgate / '
      'best peer for the same case and thread count, from this run.\n')
    w(meta + '\n')

    # ---- targets ----
    w('## Targets (issue 3)\n')
    w('| target | measured | verdict |')
    w('| --- | --- | --- |')

    def verdict(ok):
        return 'n/a' if ok is None else ('**met**' if ok else '**missed**')

    def target(text, value, ok):
        w(f'| {text} | {value} | {verdict(ok)} |')

    for t, limit in ((1, 0.3), (2, 0.5)):
        r = ratio('closedCount', t)
        bp = best_peer('closedCount', t)
        target(f'CLOSED success, count window, {t} thread(s): <= {limit}x fastest peer',
               f'{fmt(r, 2)}x ({fmt(ns("closedCount", "fluxgate", t))} vs {fmt(bp[0])} ns/op {bp[1]})'
               if r else 'not run', r <= limit if r else None)
    b = data.get(('closedCount', 'fluxgate', 1), {}).get('bop')
    target('CLOSED success, count window: 0 B/op', f'{fmt(b, 3)} B/op' if b is not None else 'not run',
           b < 0.5 if b is not None else None)
    r = ratio('permitCount', 1, 'r4jUntimed')
    target('Low-level permit API no slower than Resilience4j\'s (untimed, the faster of its two uses), 1 thread',
           f'{fmt(r, 2)}x ({fmt(ns("permitCount", "fluxgate", 1))} vs {fmt(ns("permitCount", "r4jUntimed", 1))} ns/op)'
           if r else 'not run', r <= 1.0 if r else None)
    for t in threads:
        r = ratio('closedTime', t)
        bp = best_peer('closedTime', t)
        target(f'CLOSED success, time window 60 s, {t} thread(s): <= 0.5x fastest peer',
               f'{fmt(r, 2)}x ({fmt(ns("closedTime", "fluxgate", t))} vs {fmt(bp[0])} ns/op {bp[1]})'
               if r else 'not run', r <= 0.5 if r else None)
    for t in threads:
        r = ratio('open', t)
        bp = best_peer('open', t)
        target(f'OPEN rejection, {t} thread(s): <= 0.5x fastest peer',
               f'{fmt(r, 2)}x ({fmt(ns("open", "fluxgate", t))} vs {fmt(bp[0])} ns/op {bp[1]})'
               if r else 'not run', r <= 0.5 if r else None)
    a, h = ns('closedTime', 'fluxgate', 1), ns('closedTime1h', 'fluxgate', 1)
    r = h / a if a and h else None
    target('Time window record cost independent of span: 1 h / 60 s within 10%, 1 thread',
           f'{fmt(r, 3)} ({fmt(h)} vs {fmt(a)} ns/op)' if r else 'not run', abs(r - 1) <= 0.10 if r else None)
    fl, fa = ns('floor', 'direct', 1), ns('floor', 'directPlusAtomic', 1)
    f = ns('closedCount', 'fluxgate', 1)
    if fl is not None and fa is not None and f is not None:
        target('CLOSED success, count window, 1 thread: <= 3x (direct call + one uncontended atomic update)',
               f'{fmt(f / fa, 2)}x ({fmt(f)} vs {fmt(fa, 2)} ns/op; the direct call alone: {fmt(fl, 2)} ns/op)',
               f <= 3 * fa)
    big = [t for t in threads if t >= 16]
    if big:
        t = max(big)
        f1, ft = ns('closedCount', 'fluxgate', 1), ns('closedCount', 'fluxgate', t)
        r4 = [ns('closedCount', p, t) for p in ('r4jSync', 'r4jLockFree') if ns('closedCount', p, t)]
        if f1 and ft and r4:
            own = (t / ft) / (1 / f1)
            vs = (t / ft) / (t / min(r4))
            target(f'Scaling, {t} threads on one breaker: >= 4x own 1-thread throughput', f'{fmt(own, 2)}x', own >= 4)
            target(f'Scaling, {t} threads: >= 10x Resilience4j\'s throughput at {t} threads', f'{fmt(vs, 2)}x', vs >= 10)
    else:
        target('Scaling, 16 threads on one breaker (>= 4x own 1-thread throughput, >= 10x Resilience4j\'s)',
               'pending: this run had no 16-core machine; see "Scaling run" below', None)
    w('')

    issue16_targets(w, target, data, threads, fmt)

    # ---- the table ----
    w('## Results (best iteration ns/op per thread, JMH mean in parentheses; B/op at 1 thread)\n')
    head = '| case | implementation | ' + ' | '.join(f'{t} thr ns/op' for t in threads) + ' | B/op | ' + \
        ' | '.join(f'ratio {t} thr' for t in threads) + ' |'
    w(head)
    w('|' + ' --- |' * (3 + 2 * len(threads)))
    for case, title in CASES:
        impls = sorted({k[1] for k in data if k[0] == case},
                       key=lambda i: (i != 'fluxgate', i != 'direct', i))
        for i, impl in enumerate(impls):
            cells = []
            for t in threads:
                v = data.get((case, impl, t))
                cells.append(f'{fmt(v["ns"])} ({fmt(v["mean"])})' if v else '')
            bop = data.get((case, impl, 1), {}).get('bop')
            ratios = []
            for t in threads:
                r = ratio(case, t) if impl == 'fluxgate' and case not in ('floor', 'closedTime1h') + tuple(OWN) else None
                if impl == 'fluxgate' and case == 'closedTime1h':
                    r = ratio('closedTime1h', t, ('closedTime', 'fluxgate'))
                    ratios.append(f'{fmt(r, 2)}x vs 60 s' if r else '')
                    continue
                if impl == 'fluxgate' and case in OWN:
                    r = ratio(case, t, (OWN[case][0], 'fluxgate'))
                    ratios.append(f'{fmt(r, 2)}x vs {OWN[case][1]}' if r else '')
                    continue
                ratios.append(f'**{fmt(r, 2)}x**' if r else '')
            w(f'| {title if i == 0 else ""} | {PEER_NAMES.get(impl, impl)} | ' + ' | '.join(cells) +
              f' | {fmt(bop, 0) if bop is not None else ""} | ' + ' | '.join(ratios) + ' |')
    w('')

    # ---- rate limiters against each peer (issue 12) ----
    if any(k[0] in dict(LIMITER_CASES) for k in data):
        w('## Rate limiters against each peer (issue 12)\n')
        w('Each cell: the peer\'s best-iteration ns/op, then **Fluxgate / that peer** from the same run '
          '(below 1: Fluxgate faster). B/op from the single-thread run. Configurations in the notes '
          '("Rate limiters") and in `RateLimiterBenchmark.java`.\n')
        w('| target | measured | verdict |')
        w('| --- | --- | --- |')
        for case, title in LIMITER_CASES:
            for t in threads:
                f = ns(case, 'fluxgate', t)
                bp = best_peer(case, t)
                if f is None or bp[0] is None:
                    continue
                target(f'{title.split(" (")[0]}, {t} thread(s): faster than each peer',
                       f'{fmt(f / bp[0], 2)}x the fastest ({fmt(f)} vs {fmt(bp[0])} ns/op '
                       f'{PEER_NAMES.get(bp[1], bp[1])})', f < bp[0])
            b = data.get((case, 'fluxgate', 1), {}).get('bop')
            if b is not None:
                target(f'{title.split(" (")[0]}: 0 B/op', f'{fmt(b, 3)} B/op', b < 0.5)
        w('')
        for case, title in LIMITER_CASES:
            if not any(k[0] == case for k in data):
                continue
            w(f'### {title}\n')
            w('| implementation | ' + ' | '.join(f'{t} thr ns/op (Fluxgate / it)' for t in threads) + ' | B/op |')
            w('|' + ' --- |' * (2 + len(threads)))
            impls = sorted({k[1] for k in data if k[0] == case}, key=lambda i: (i != 'fluxgate', i))
            for impl in impls:
                cells = []
                for t in threads:
                    v = ns(case, impl, t)
                    f = ns(case, 'fluxgate', t)
                    if v is None:
                        cells.append('')
                    elif impl == 'fluxgate' or f is None:
                        cells.append(fmt(v))
                    else:
                        cells.append(f'{fmt(v)} (**{fmt(f / v, 2)}x**)')
                bop = data.get((case, impl, 1), {}).get('bop')
                w(f'| {PEER_NAMES.get(impl, impl)} | ' + ' | '.join(cells) +
                  f' | {fmt(bop, 0) if bop is not None else ""} |')
            w('')

    class_sections(w, by_class, threads, fmt)

    # ---- memory ----
    if sizes:
        w('## Retained memory per breaker (JOL)\n')
        w('Bytes reachable from one breaker and from no other breaker built alike '
          '(`size(graph(a, b)) - size(graph(b))`); for a registry, the whole graph reachable from it '
          '(names included) divided by 10,000.\n')
        w('| breaker | bytes |')
        w('| --- | ---: |')
        for k, v in sizes.items():
            w(f'| {k} | {v:,} |')
        w('')

    if args.notes and os.path.exists(args.notes):
        with open(args.notes) as f:
            w(f.read().strip() + '\n')

    with open(args.out, 'w') as f:
        f.write('\n'.join(out))


# ---- issue 16: every pattern against its peers, and the pipeline (PatternBenchmark, PipelineBenchmark) ----

# Titles of the cases the per-class sections show; a case not named here is shown by its method name.
CASE_TITLES = {
    'bulkhead': 'Semaphore bulkhead, never full (25 slots, no wait)',
    'retrySuccess': 'Retry, first attempt succeeds (3 attempts, no wait)',
    'timeoutSync': 'Timeout 1 s, synchronous call that returns at once (each library\'s cheapest)',
    'timeoutSyncWorker': 'Timeout 1 s on a worker (caller back at the deadline), call returns at once',
    'timeoutAsync': 'Timeout 1 s, already-completed stage',
    'fallbackNotNeeded': 'Fallback to a constant, the task succeeds',
    'fallbackUsed': 'Fallback to a constant, the task throws',
    'pipeline': 'Pipeline retry, breaker, bulkhead; the call succeeds',
    'pipelineTimeout': 'Pipeline retry, breaker, bulkhead, timeout 1 s; the call succeeds',
    'pipelineTimeoutWorker': 'Pipeline retry, breaker, bulkhead, timeout 1 s on a worker; the call succeeds',
    'pipelineMixed': 'Pipeline retry, breaker, bulkhead; every tenth attempt fails and is retried',
}
# Implementation names in the per-class sections (the main table's names otherwise).
CLASS_PEER_NAMES = {'r4j': 'Resilience4j', 'failsafe': 'Failsafe', 'fluxgate': 'Fluxgate',
                    'fluxgateBulkhead': 'Fluxgate Bulkhead (fixed limit)'}

# Issue 16's targets, by item: (item, case, the most Fluxgate / fastest peer may be, strictly below?).
ISSUE16_RATIOS = [
    ('1', 'halfOpenAdmit', 1.0, False), ('1', 'halfOpenReject', 1.0, False), ('1', 'openPermit', 1.0, False),
    ('1', 'async', 1.0, False),
    ('3', 'bulkhead', 1.0, True), ('3', 'retrySuccess', 1.0, True), ('3', 'timeoutSync', 1.0, True),
    ('3', 'timeoutAsync', 1.0, True), ('3', 'fallbackNotNeeded', 1.0, True), ('3', 'fallbackUsed', 1.0, True),
    ('4', 'pipeline', 0.5, False), ('4', 'pipelineTimeout', 0.5, False), ('4', 'pipelineMixed', 0.5, False),
]
# (item, case, the most B/op Fluxgate may allocate at 1 thread).
ISSUE16_BYTES = [('1', 'async', 72), ('4', 'pipeline', 0), ('4', 'pipelineTimeout', 0), ('4', 'pipelineMixed', 0)]


def fastest_peer(data, case, t, subject='fluxgate'):
    peers = [(v['ns'], k[1]) for k, v in data.items() if k[0] == case and k[2] == t and k[1] != subject]
    return min(peers) if peers else (None, None)


def issue16_targets(w, target, data, threads, fmt):
    """The verdict of every issue 16 target this run measured (items 1 to 4; item 5 is under issue 3)."""
    rows = [(item, case) for item, case, _, _ in ISSUE16_RATIOS if any(k[0] == case for k in data)]
    if not rows:
        return
    w('## Targets (issue 16)\n')
    w('Item 1: the rows that lost (<= 1.0x the fastest peer; async <= 72 B/op); item 2: time window <= 0.4x '
      'at 1 thread; item 3: every pattern faster than each peer; item 4: the pipeline <= 0.5x the faster '
      'peer, 0 B/op without a timeout. Ratios are Fluxgate / fastest peer, best iterations, same run.\n')
    w('| target | measured | verdict |')
    w('| --- | --- | --- |')
    for item, case, limit, strict in ISSUE16_RATIOS:
        title = CASE_TITLES.get(case, case)
        for t in threads:
            f = data.get((case, 'fluxgate', t), {}).get('ns')
            p, who = fastest_peer(data, case, t)
            if f is None or not p:
                continue
            r = f / p
            target(f'{item}. {title}, {t} thread(s): {"<" if strict else "<="} {limit}x fastest peer',
                   f'{fmt(r, 2)}x ({fmt(f)} vs {fmt(p)} ns/op {CLASS_PEER_NAMES.get(who, who)})',
                   r < limit if strict else r <= limit)
    for item, case, most in ISSUE16_BYTES:
        b = data.get((case, 'fluxgate', 1), {}).get('bop')
        if b is not None:
            target(f'{item}. {CASE_TITLES.get(case, case)}: <= {most} B/op', f'{fmt(b, 1)} B/op', b <= most + 0.5)
    t1 = data.get(('closedTime', 'fluxgate', 1), {}).get('ns')
    p, who = fastest_peer(data, 'closedTime', 1)
    if t1 is not None and p:
        target('2. CLOSED success, time window 60 s, 1 thread: <= 0.4x fastest peer',
               f'{fmt(t1 / p, 2)}x ({fmt(t1)} vs {fmt(p)} ns/op {who})', t1 / p <= 0.4)
    w('')


# Classes whose every case is in the main table (CASES) get no section of their own.
def class_sections(w, by_class, threads, fmt):
    """One table per benchmark class with a case the main table does not show (any class, known or not):
    rows grouped per case, each implementation's best-iteration ns/op per thread count and B/op at 1
    thread; Fluxgate's row gives its ratio to the fastest peer, every peer's row Fluxgate / that peer."""
    known = {c for c, _ in CASES}
    for cls in sorted(by_class):
        data = by_class[cls]
        cases = []
        for k in data:
            if k[0] not in cases:
                cases.append(k[0])
        if all(c in known for c in cases):
            continue
        order = list(CASE_TITLES)
        seen = list(cases)
        cases.sort(key=lambda c: (order.index(c) if c in order else len(order), seen.index(c)))
        w(f'## {cls}\n')
        w('Best iteration ns/op (JMH mean in parentheses) per thread count, B/op at 1 thread. On Fluxgate\'s '
          'row: Fluxgate / the fastest peer; on a peer\'s row: Fluxgate / that peer (below 1: Fluxgate faster). '
          f'Configurations in `{cls}.java`.\n')
        w('| case | implementation | ' + ' | '.join(f'{t} thr ns/op' for t in threads) + ' | B/op | ' +
          ' | '.join(f'ratio {t} thr' for t in threads) + ' |')
        w('|' + ' --- |' * (3 + 2 * len(threads)))
        for case in cases:
            impls = sorted({k[1] for k in data if k[0] == case}, key=lambda i: (not i.startswith('fluxgate'), i))
            subject = 'fluxgate' if 'fluxgate' in impls else None
            for n, impl in enumerate(impls):
                cells, ratios = [], []
                for t in threads:
                    v = data.get((case, impl, t))
                    cells.append(f'{fmt(v["ns"])} ({fmt(v["mean"])})' if v else '')
                    f = data.get((case, subject, t), {}).get('ns') if subject else None
                    if f is None or v is None:
                        ratios.append('')
                    elif impl == subject:
                        p, _ = fastest_peer(data, case, t, subject)
                        ratios.append(f'**{fmt(f / p, 2)}x**' if p else '')
                    else:
                        ratios.append(f'{fmt(f / v["ns"], 2)}x')
                bop = data.get((case, impl, 1), {}).get('bop')
                w(f'| {CASE_TITLES.get(case, case) if n == 0 else ""} | {CLASS_PEER_NAMES.get(impl, PEER_NAMES.get(impl, impl))} | '
                  + ' | '.join(cells) + f' | {fmt(bop, 0) if bop is not None else ""} | ' + ' | '.join(ratios) + ' |')
        w('')


if __name__ == '__main__':
    main()
