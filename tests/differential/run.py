#!/usr/bin/python3
"""The differential fuzzer: runs seeded operation sequences (generator.py) through
Relate (relate_runner) and SQLAlchemy 1.4 (sqlalchemy_runner.py), each on a fresh
SQLite file, compares what both show after every step (observation.py), and on the
first difference shrinks the sequence and prints a minimal reproduction.

  run.py --runner build/.../relate_differential_runner --seeds 1-20
  run.py --runner ... --time 600                # as many seeds as fit in 10 minutes
  run.py --runner ... --seeds-file passing_seeds.txt   # what ctest runs
  run.py --runner ... --replay ops.txt          # one operation list, from a file
  run.py --runner ... --time 3600 --explore findings.jsonl
        # keep going after a difference: shrink it, append it to the file, go on

Exit status: 0 when every sequence matched, 1 on a difference, 2 on a usage error.
"""

import argparse
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import known_differences  # noqa: E402
import observation  # noqa: E402
import reported_findings  # noqa: E402
from generator import generate  # noqa: E402
from sqlalchemy_runner import Runner as SqlAlchemyRunner  # noqa: E402

STEP_TIMEOUT = 30  # seconds a Relate step may take before it counts as a hang


class RelateProcess:
    """relate_runner as a child process, restarted after a crash."""

    def __init__(self, path, work_dir):
        self.path = path
        self.stderr_path = os.path.join(work_dir, "relate_runner.stderr")
        self.process = None

    def _start(self):
        self.stderr = open(self.stderr_path, "w+")
        self.process = subprocess.Popen([self.path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.stderr, text=True, bufsize=1)

    def stop(self):
        if self.process is not None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.stderr.close()
            self.process = None

    def _crash(self, what):
        self.process.kill()
        self.process.wait()
        self.stderr.seek(0)
        tail = self.stderr.read()[-3000:]
        self.stderr.close()
        self.process = None
        return {"crash": f"{what}; stderr: {tail}"}

    def request(self, line):
        if self.process is None:
            self._start()
        try:
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            return self._crash("runner exited")
        ready, _, _ = select.select([self.process.stdout], [], [], STEP_TIMEOUT)
        if not ready:
            return self._crash(f"no answer in {STEP_TIMEOUT} s")
        answer = self.process.stdout.readline()
        if not answer:
            return self._crash(f"runner exited with {self.process.poll()}")
        return json.loads(answer)


class Harness:
    def __init__(self, runner_path, work_dir, masks=()):
        self.work_dir = work_dir
        self.masks = masks
        self.relate = RelateProcess(runner_path, work_dir)
        self.sqlalchemy = SqlAlchemyRunner(masks)
        self.relate_db = os.path.join(work_dir, "relate.db")
        self.sqlalchemy_db = os.path.join(work_dir, "sqlalchemy.db")
        self.steps = 0
        self.stopped = {}  # known difference -> sequences stopped at it
        self.abandoned = {}  # finding id -> sequences given up on at its difference
        self.abandoned_examples = {}  # finding id -> (operations, differences), the first

    def close(self):
        self.relate.stop()
        self.sqlalchemy.close_all()

    def _reset(self):
        answer = self.relate.request("reset " + self.relate_db)
        if "crash" in answer:
            raise RuntimeError("relate_runner failed to reset: " + answer["crash"])
        self.sqlalchemy.reset(self.sqlalchemy_db)

    def run(self, ops, keep=False):
        """Runs ops on both sides. Returns (index of the first differing step or None,
        its differences, both observations of that step); with keep, every step's
        observations too."""
        self._reset()
        self.last_stop = None  # (known difference or finding id, step) where run gave up
        models_of = {}
        history = []
        a = None
        for i, line in enumerate(ops):
            tokens = line.split()
            if tokens[0] == "new":
                models_of[int(tokens[1])] = tokens[2]
            elif tokens[0] == "get" and int(tokens[1]) in models_of:
                models_of[int(tokens[3])] = models_of[int(tokens[1])]
            elif tokens[0] == "merge" and int(tokens[1]) in models_of:
                models_of[int(tokens[2])] = models_of[int(tokens[1])]
            relate = self.relate.request(line)
            sqlalchemy = self.sqlalchemy.step(line)
            self.steps += 1
            before, a = a, observation.normalise(relate, models_of, self.relate_db)
            b = observation.normalise(sqlalchemy, models_of, self.sqlalchemy_db)
            found = observation.differences(a, b, self.masks)
            if keep:
                history.append((line, a, b))
            if found:
                crashed = "crash" in a or "crash" in b
                step = known_differences.Step(tokens, found, a, b, before, dict(models_of))
                for k in known_differences.KNOWN + known_differences.SQLALCHEMY_PROBLEMS:
                    if not crashed and k.stop is not None and k.stop(step):
                        self.stopped[k.name] = self.stopped.get(k.name, 0) + 1
                        self.last_stop = (k.name, i, found, (a, b))
                        return None, [], None, history
                for m in self.masks:
                    if m.abandon is not None and m.abandon(tokens[0], found, a, b):
                        self.abandoned[m.id] = self.abandoned.get(m.id, 0) + 1
                        self.abandoned_examples.setdefault(m.id, (ops[:i + 1], found))
                        self.last_stop = (m.id, i, found, (a, b))
                        return None, [], None, history
                return i, found, (a, b), history
        return None, [], None, history


def signature(ops, index, found):
    """What a shrunk sequence must still show: the failing operation's verb and the
    kind of its first difference."""
    return (ops[index].split()[0], observation.kind(found[0][0]))


def shrink(harness, ops, target, budget_seconds=120, finding=None):
    """Delta debugging (ddmin) on the operation list while the first difference keeps
    the same signature (or, with `finding`, while the run gives up at that masked
    finding)."""
    deadline = time.monotonic() + budget_seconds

    def fails(candidate):
        index, found, _, _ = harness.run(candidate)
        if finding is not None:
            stop = harness.last_stop
            return stop is not None and stop[0] == finding, stop and stop[1]
        return index is not None and signature(candidate, index, found) == target, index

    # Nothing after the failing step matters.
    ok, index = fails(ops)
    if not ok:
        return ops  # not reproducible: nothing to shrink against
    ops = ops[:index + 1]
    n = 2
    while len(ops) >= 2 and time.monotonic() < deadline:
        chunk = max(1, len(ops) // n)
        reduced = False
        for start in range(0, len(ops), chunk):
            candidate = ops[:start] + ops[start + chunk:]
            ok, index = fails(candidate)
            if ok:
                ops = candidate[:index + 1]
                n = max(n - 1, 2)
                reduced = True
                break
        if not reduced:
            if chunk == 1:
                break
            n = min(len(ops), n * 2)
    return ops


def describe(seed, ops, index, found, observations):
    lines = [f"Difference at step {index + 1} (seed {seed}); Relate vs SQLAlchemy:"]
    for i, op in enumerate(ops[:index + 1]):
        lines.append(f"  {i + 1:3}. {op}" + ("    <-- differs" if i == index else ""))
    a, b = observations
    if "result" in a:
        lines.append(f"  result: Relate {json.dumps(a['result'])}")
        lines.append(f"          SQLAlchemy {json.dumps(b['result'])}")
    for where, x, y in found:
        lines.append(f"  {where}:")
        lines.append(f"     Relate:     {json.dumps(x)}")
        lines.append(f"     SQLAlchemy: {json.dumps(y)}")
    return "\n".join(lines)


def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            seeds.extend(range(int(lo), int(hi) + 1))
        elif part.strip():
            seeds.append(int(part))
    return seeds


def read_seed_file(path):
    seeds = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                seeds.extend(parse_seeds(line))
    return seeds


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runner", required=True, help="path of relate_differential_runner")
    parser.add_argument("--seeds", help="e.g. 1-100,250")
    parser.add_argument("--seeds-file", help="a file of seeds, one range or list a line")
    parser.add_argument("--count", type=int, help="number of seeds (from --first-seed)")
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--time", type=float, help="run seeds for this many seconds")
    parser.add_argument("--length", type=int, default=40, help="operations per sequence")
    parser.add_argument("--bulk", action="store_true",
                        help="sequences with bulk writes too (bulk_operations.hpp); the same "
                        "seed makes another sequence than without")
    parser.add_argument("--session-api", action="store_true",
                        help="sequences with refresh, expire, merge and savepoints too; the "
                        "same seed makes another sequence than without")
    parser.add_argument("--replay", help="a file with one operation per line")
    parser.add_argument("--shrink-to", metavar="FINDING",
                        help="with --replay and --mask: shrink the list while the run gives "
                        "up at this masked finding, then print the shrunk list and what it "
                        "shows without masks")
    parser.add_argument("--explore", help="keep going after differences; append them to this "
                        "file as JSON lines")
    parser.add_argument("--no-shrink", action="store_true")
    parser.add_argument("--survey", action="store_true",
                        help="run every seed to its first difference, print one line per "
                        "seed (PASS or the difference's signature); no shrinking")
    parser.add_argument("--mask", help="hide these reported findings (reported_findings.py), "
                        "comma-separated, or 'all': for exploring past them only")
    parser.add_argument("--work-dir", help="where the SQLite files go (default: a temp dir)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()

    if args.replay:
        with open(args.replay) as f:
            sequences = [("replay", [line.strip() for line in f if line.strip()])]
    else:
        if args.seeds:
            seeds = parse_seeds(args.seeds)
        elif args.seeds_file:
            seeds = read_seed_file(args.seeds_file)
        elif args.count or args.time:
            seeds = range(args.first_seed, args.first_seed + (args.count or 10**9))
        else:
            parser.error("give --seeds, --seeds-file, --count, --time or --replay")
        sequences = ((seed, None) for seed in seeds)

    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    if args.work_dir:
        os.makedirs(args.work_dir, exist_ok=True)
        work_dir = args.work_dir
    else:
        work_dir = tempfile.mkdtemp(prefix="relate-differential-", dir=base)

    masks = []
    if args.mask:
        ids = [f.id for f in reported_findings.FINDINGS] if args.mask == "all" else \
            args.mask.split(",")
        masks = [reported_findings.BY_ID[i] for i in ids]
    harness = Harness(args.runner, work_dir, masks)
    if args.shrink_to:
        ops = sequences[0][1]
        shrunk = shrink(harness, ops, None, finding=args.shrink_to)
        harness.run(shrunk)
        if harness.last_stop is None or harness.last_stop[0] != args.shrink_to:
            print(f"the list does not stop at {args.shrink_to}")
            return 1
        _, stop_index, stop_found, stop_observed = harness.last_stop
        print(describe(args.shrink_to, shrunk, stop_index, stop_found, stop_observed))
        plain = Harness(args.runner, work_dir)
        index, found, _, _ = plain.run(shrunk)
        if index is not None and index < stop_index:
            print(f"  (without masks the first difference is at step {index + 1}: "
                  + "; ".join(f"{w}: Relate {json.dumps(r)}, SQLAlchemy {json.dumps(q)}"
                              for w, r, q in found) + ")")
        plain.close()
        harness.close()
        return 0
    started = time.monotonic()
    sequences_run = 0
    differing = 0
    fuzz_steps = 0
    signatures = {}
    try:
        for seed, ops in sequences:
            if args.time and time.monotonic() - started > args.time:
                break
            if ops is None:
                ops = generate(seed, args.length, args.bulk, args.session_api)
            before = harness.steps
            index, found, observed, _ = harness.run(ops)
            fuzz_steps += harness.steps - before
            sequences_run += 1
            if index is None:
                if args.survey:
                    print(f"{seed} PASS", flush=True)
                continue
            differing += 1
            target = signature(ops, index, found)
            if args.survey:
                print(f"{seed} FAIL {target[0]} {target[1]} step {index + 1}", flush=True)
                continue
            first_run = (ops, index, found, observed)
            shrunk = ops if args.no_shrink else shrink(harness, ops, target)
            index, found, observed, _ = harness.run(shrunk)
            flaky = index is None
            if flaky:  # the shrunk list does not reproduce it: show the first run
                shrunk, index, found, observed = first_run
            text = describe(seed, shrunk, index, found, observed)
            if flaky:
                text += "\n  (this difference did not reproduce on a second run)"
            if not args.explore:
                print(text)
                return 1
            first = target not in signatures
            signatures[target] = signatures.get(target, 0) + 1
            with open(args.explore, "a") as f:
                f.write(json.dumps({"seed": seed, "signature": list(target), "ops": shrunk,
                                    "differences": found, "flaky": flaky},
                                   default=str) + "\n")
            if first and not args.quiet:
                print(text, flush=True)
    finally:
        harness.close()
        if not args.work_dir:
            shutil.rmtree(work_dir, ignore_errors=True)
        elapsed = time.monotonic() - started
        summary = (f"{sequences_run} sequences, {fuzz_steps} operations "
                   f"({harness.steps} with shrinking) in {elapsed:.0f} s; "
                   f"{differing} with a difference")
        if signatures:
            summary += "; signatures: " + ", ".join(f"{k}×{v}" for k, v in signatures.items())
        print(summary, file=sys.stderr)
        print("known differences accounted for: " +
              (", ".join(k.name for k in known_differences.KNOWN) or "none"), file=sys.stderr)
        if harness.stopped:
            print("sequences stopped at a known difference (or SQLAlchemy's own problem): " +
                  ", ".join(f"{k}×{v}" for k, v in harness.stopped.items()), file=sys.stderr)
        if masks:
            print("reported findings masked: " + ", ".join(m.id for m in masks), file=sys.stderr)
            if harness.abandoned:
                print("sequences abandoned at a masked finding: " + ", ".join(
                    f"{k}×{v}" for k, v in harness.abandoned.items()), file=sys.stderr)
            if args.explore:
                with open(args.explore, "a") as f:
                    for k, (ops, found) in harness.abandoned_examples.items():
                        f.write(json.dumps({"abandoned": k, "ops": ops,
                                            "differences": found}, default=str) + "\n")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
