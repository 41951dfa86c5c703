#!/usr/bin/env python3
"""The benchmark's one-core cases in rounds, cnnbench beside its peers (NumPy, JAX) case by case, from one
Python process that keeps the peers loaded, so that both sides of a ratio are timed seconds apart.

    python3 tools/bench/paired.py --bench PATH --out DIR [--rounds N] [--runs N] [--warmups N]
                                  [--statistic median|min] [--peers numpy,jax] CASE ...

For each case: the peers' inputs are made and their functions built (JAX compiles) once; then, round after
round, cnnbench times the case in a process of its own (`--json`, its thread's CPU time) and each peer times
it here (process CPU time), the order of the sides reversed every other round so that a drift of the host's
speed during a round does not always meet the same side first. A round of one case takes about a second,
where starting Python and JAX again for every case and round (`peer.py`) put about five seconds between the
two sides of a ratio; on a shared host whose speed moves from one minute to the next, that was most of the
noise of a ratio.

Writes DIR/cnnbench-one-rR.json, DIR/numpy-one-rR.json and DIR/jax-one-rR.json for rounds R = 1..N (with
--rounds 1, DIR/cnnbench-one.json, ...), each the side's report of every case in that round, as
tools/bench/report.py reads them. Pin this process to one CPU (taskset) and set the peers' thread variables
(tools/bench/run.sh does both); cnnbench inherits the pinning. A peer that cannot be imported is left out and
named on stderr; then only the other sides are timed.
"""
import argparse
import json
import os
import subprocess
import sys


def run_cnnbench(bench, case, runs, warmups, statistic):
    """cnnbench's report of one case (its own process), or None if it failed."""
    command = [bench, "--json", "--runs", str(runs), "--warmups", str(warmups), "--statistic", statistic, case]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"paired.py: cnnbench failed on {case}: {done.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    try:
        return json.loads(done.stdout)
    except ValueError:
        print(f"paired.py: cnnbench printed no JSON for {case}", file=sys.stderr)
        return None


def load_peers(names):
    """{peer: {case name: Case}} for the peers that can be imported (peer.py needs NumPy)."""
    found = {}
    for name in names:
        try:
            import peer
            found[name] = {case.name: case for case in peer.cases_of(name)}
        except ImportError as error:
            print(f"paired.py: peer {name} left out ({error})", file=sys.stderr)
    return found


def add(reports, side, round_index, report, records):
    """Appends `records` to `side`'s report of that round, starting it from `report`'s other fields."""
    current = reports.setdefault(side, {}).get(round_index)
    if current is None:
        reports[side][round_index] = dict(report, cases=list(records))
    else:
        current["cases"] += records


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", required=True, help="the cnnbench binary")
    parser.add_argument("--out", required=True, help="the folder for the reports")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--statistic", choices=("median", "min"), default="median")
    parser.add_argument("--peers", default="numpy,jax", help="comma-separated: numpy, jax (default both)")
    parser.add_argument("cases", nargs="+")
    args = parser.parse_args()
    if args.rounds < 1 or args.runs < 1 or args.warmups < 0:
        parser.error("--rounds and --runs take whole numbers from 1, --warmups from 0")

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    peers = load_peers([name for name in args.peers.split(",") if name])
    if peers:
        import peer
        bases = {side: peer.make_report(side, [], args.runs, args.warmups) for side in peers}
    reports = {}
    for name in args.cases:
        print(f"  {name}...", flush=True)
        functions = {}
        for side, cases in peers.items():
            if name in cases:
                try:
                    functions[side] = cases[name].make()
                except Exception as error:  # a peer that cannot run a case leaves that row without it
                    print(f"paired.py: {side} failed on {name}: {error}", file=sys.stderr)
        sides = ["cnnbench"] + list(functions)
        for r in range(args.rounds):
            for side in (sides if r % 2 == 0 else list(reversed(sides))):
                if side == "cnnbench":
                    report = run_cnnbench(args.bench, name, args.runs, args.warmups, args.statistic)
                    if report is not None:
                        add(reports, side, r, report, report.get("cases", []))
                elif side in functions:
                    try:
                        record = peer.time_case(side, peers[side][name], functions[side], args.runs, args.warmups,
                                                args.statistic)
                    except Exception as error:
                        print(f"paired.py: {side} failed on {name}: {error}", file=sys.stderr)
                        del functions[side]
                        continue
                    add(reports, side, r, bases[side], [record])
        functions.clear()  # the inputs of a large case go before the next case's are made

    for side, by_round in reports.items():
        for r, report in by_round.items():
            tag = "" if args.rounds == 1 else f"-r{r + 1}"
            with open(os.path.join(args.out, f"{side}-one{tag}.json"), "w") as f:
                json.dump(report, f)


if __name__ == "__main__":
    main()
