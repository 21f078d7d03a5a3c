#!/usr/bin/env python3
"""Time frozen links with smelt and its peers; write results.md/.json/.svg.

    python3 bench/bench.py --smelt PATH --timer BENCH-TIMER [--runs N]
                           [--threads1 WL,...] [--out DIR] FROZEN-DIR...

Each FROZEN-DIR holds what bench/freeze-ld.py recorded (inputs/, args.json)
plus meta.json written by bench/run.sh ({"name", "check", "variants": [...]}).
Every linker is invoked directly with the frozen argv (cwd = FROZEN-DIR, so
input paths are relative), writing its output to a scratch directory.

Per link configuration (workload x variant x thread setting):
  1. one untimed warm-up link per linker; its output is checked by running
     bench/checks/<check>.sh; a failure is recorded, and for a static output
     with a PT_INTERP the link is repeated without `-dynamic-linker` to see
     whether that is the only problem (the known lld 14 / mold 1.10 bug);
  2. N timed rounds; in each round every linker links once, the orders of
     the rounds forming a Williams design (williams_orders): over the rounds
     every linker directly follows every other one equally often, so what a
     run leaves behind in the machine (dirty pages, freed memory, a second
     CPU left idle by a single-threaded link) falls on every linker alike,
     and drift hits them alike too. A plain rotation would have each linker
     always follow the same one.  A run is timed by bench-timer
     (bench/timer.c; --timer): posix_spawn + wait4 from a small process,
     wall from just before the spawn to the reap, CPU = user + system time
     of the child (threads included), peak RSS = ru_maxrss.  Each linker
     writes over its own output of the previous run, as in an
     edit-compile-link loop (the warm-up run leaves the first one); the
     outputs are deleted once the configuration is done.
Reported: median wall (with min and max), median CPU, median peak RSS, and
smelt's ratio to each peer.
"""
import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import statistics
import struct
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# name -> argv prefix; flags for thread settings.  None = linker can't do it.
def linkers(smelt):
    return {
        "smelt": {"argv": [smelt], "t1": ["--threads=1"], "icf": True},
        "mold": {"argv": ["mold", "--no-fork"], "t1": ["--threads=1"], "icf": True},
        "lld": {"argv": ["ld.lld"], "t1": ["--threads=1"], "icf": True},
        # gold is single-threaded unless asked; give it every core like the others
        "gold": {"argv": ["ld.gold", "--threads", "--thread-count", str(os.cpu_count())], "t1": [], "icf": True},
        "bfd": {"argv": ["ld.bfd"], "t1": [], "icf": False},
    }


ORDER = ["smelt", "mold", "lld", "gold", "bfd"]
SMELT_NT = "smelt-default-threads"  # an extra arm of the --threads=1 rows
# another: as many `smelt --threads=1` links as there are cores, started
# together, each timed on its own. Their threads share nothing, so how much
# slower each is than one link alone is what running on every core costs on
# this machine (shared caches, memory bandwidth, a VM's vCPUs sharing host
# cores), and bounds what any thread count can gain here.
SMELT_SIM = "smelt-simultaneous"

# Variants every workload gets besides its own (meta.json): output size only
# (one link per linker, checked but not timed), and on the synthetic link
# the debug-info options, timed.
SIZE_ONLY = [
    {"name": "--gc-sections", "extra": ["--gc-sections"], "size_only": True},
    {"name": "--gc-sections --icf=all", "extra": ["--gc-sections", "--icf=all"], "size_only": True},
    {"name": "--no-rosegment", "extra": ["--no-rosegment"], "size_only": True},
    {"name": "--strip-debug", "extra": ["--strip-debug"], "size_only": True},
]
TIMED_EXTRA = [
    {"name": "--strip-debug", "extra": ["--strip-debug"]},
    {"name": "--compress-debug-sections=zlib", "extra": ["--compress-debug-sections=zlib"]},
]


def translate(linker, extra):
    """A variant's flags in each linker's spelling."""
    out = []
    for x in extra:
        if x == "--no-rosegment" and linker == "bfd":
            out += ["-z", "noseparate-code"]  # GNU ld's text+rodata in one segment
        else:
            out.append(x)
    return out
PEERS = ["mold", "lld", "gold", "bfd"]


TIMER = None  # path of bench-timer (bench/timer.c), set by --timer


def with_output(argv, path):
    """argv with its output placeholder @OUT@ replaced by path."""
    return [x if x != "@OUT@" else path for x in argv]


def timer_cmd(argv, log):
    """The bench-timer command line that runs argv with its output in log."""
    return [TIMER, os.path.abspath(log), shutil.which(argv[0]) or argv[0]] + argv[1:]


def timer_result(returncode, stdout, argv):
    """(status, wall s, cpu s, maxrss KiB) from what bench-timer printed."""
    if returncode != 0:
        raise RuntimeError("bench-timer failed on %s" % " ".join(argv))
    st, wall, cpu, rss = stdout.split()
    return int(st), float(wall), float(cpu), int(rss)


def run_timed(argv, cwd, log):
    """(status, wall s, cpu s, maxrss KiB) of one run of argv in cwd, timed
    by bench-timer (see bench/timer.c for why not from Python itself)."""
    r = subprocess.run(timer_cmd(argv, log), cwd=cwd, stdout=subprocess.PIPE, text=True)
    return timer_result(r.returncode, r.stdout, argv)


# A cache line's round trip between the first two CPUs below this (ns):
# they share a last-level cache. On the 2-core VMs of bench/ the host puts
# the two vCPUs either way from one minute to the next: ~90 ns or ~350 ns.
C2C_NEAR_NS = 200.0
C2C_CPU = 0.0  # CPU seconds the measurements took (not other processes')


def c2c_ns():
    """The round trip of a cache line between the first two CPUs, in ns
    (bench-timer --c2c), or None on one CPU. Taken just before each run of
    smelt at its default thread count: what every line its threads both
    write costs, which decides how far a second thread speeds a link up."""
    global C2C_CPU
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run([TIMER, "--c2c"], stdout=subprocess.PIPE, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    C2C_CPU += (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if r.returncode != 0:
        raise RuntimeError("bench-timer --c2c failed")
    v = float(r.stdout.split()[0])
    return v or None


def c2c_split(walls, c2cs):
    """(near, far): the walls of the runs taken with the CPUs sharing a
    last-level cache and of those taken without, by their c2c_ns()."""
    near = [w for w, c in zip(walls, c2cs) if c is not None and c < C2C_NEAR_NS]
    far = [w for w, c in zip(walls, c2cs) if c is not None and c >= C2C_NEAR_NS]
    return near, far


def run_simultaneous(argv, cwd, stem, n):
    """(status, mean wall s, mean cpu s, max maxrss KiB) of n copies of argv
    started together, each timed by its own bench-timer: copy i writes its
    output to stem.i (@OUT@ in argv) and its log to stem.i.log."""
    stem = os.path.abspath(stem)
    procs = []
    for i in range(n):
        a = with_output(argv, "%s.%d" % (stem, i + 1))
        procs.append(subprocess.Popen(timer_cmd(a, "%s.%d.log" % (stem, i + 1)), cwd=cwd,
                                      stdout=subprocess.PIPE, text=True))
    rows = []
    for pr in procs:
        out, _ = pr.communicate()
        rows.append(timer_result(pr.returncode, out, argv))
    st = max((r[0] for r in rows), key=abs)
    return (st, statistics.mean(r[1] for r in rows), statistics.mean(r[2] for r in rows),
            max(r[3] for r in rows))


def file_digest(path):
    import hashlib
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def has_interp(path):
    try:
        with open(path, "rb") as fh:
            eh = fh.read(64)
            if eh[:4] != b"\x7fELF" or eh[4] != 2:
                return False
            phoff, = struct.unpack_from("<Q", eh, 32)
            phentsize, phnum = struct.unpack_from("<HH", eh, 54)
            fh.seek(phoff)
            ph = fh.read(phentsize * phnum)
            return any(struct.unpack_from("<I", ph, i * phentsize)[0] == 3 for i in range(phnum))
    except OSError:
        return False


def williams_orders(n):
    """Orders of range(n) in which each item directly follows every other
    one equally often (a Williams design, balanced for first-order
    carry-over): n orders for even n, 2n for odd n (the first n reversed)."""
    first, lo, hi = [0], 1, n - 1
    while len(first) < n:
        first.append(lo)
        lo += 1
        if len(first) < n:
            first.append(hi)
            hi -= 1
    rows = [[(x + i) % n for x in first] for i in range(n)]
    if n % 2:
        rows += [r[::-1] for r in rows]
    return rows


def check(kind, binary, frozen, log):
    r = subprocess.run(["bash", os.path.join(HERE, "checks", kind + ".sh"), binary, frozen],
                       stdout=open(log, "w"), stderr=subprocess.STDOUT, timeout=600)
    return r.returncode


def drop_dynamic_linker(args):
    out, i = [], 0
    while i < len(args):
        if args[i] in ("-dynamic-linker", "--dynamic-linker"):
            i += 2
            continue
        if args[i].startswith("--dynamic-linker=") or args[i].startswith("-dynamic-linker="):
            i += 1
            continue
        out.append(args[i])
        i += 1
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smelt", required=True)
    ap.add_argument("--timer", required=True, help="bench-timer binary (bench/timer.c) to time runs with")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--threads1", default="", help="comma-separated workloads that also get --threads=1 rows")
    ap.add_argument("--stats", default="", help="workload whose smelt --stats output to keep")
    ap.add_argument("--stats-runs", type=int, default=5)
    ap.add_argument("--max-other", type=float, default=25.0,
                    help="re-measure a link when other processes used more than this %% of a core")
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--scratch", default=os.path.join(HERE, "work", "out"))
    ap.add_argument("--note", default="")
    ap.add_argument("frozen", nargs="+")
    a = ap.parse_args()
    global TIMER
    TIMER = os.path.abspath(a.timer)
    smelt = os.path.abspath(a.smelt)
    L = linkers(smelt)
    os.makedirs(a.out, exist_ok=True)
    os.makedirs(a.scratch, exist_ok=True)
    t1_wls = set(filter(None, a.threads1.split(",")))
    configs = []
    for d in a.frozen:
        d = os.path.abspath(d)
        meta = json.load(open(os.path.join(d, "meta.json")))
        args = json.load(open(os.path.join(d, "args.json")))
        size = sum(os.path.getsize(os.path.join(d, "inputs", f)) for f in os.listdir(os.path.join(d, "inputs")))
        nfiles = len(os.listdir(os.path.join(d, "inputs")))
        variants = meta.get("variants", [{"name": "", "extra": []}])
        names_ = {v["name"] for v in variants}
        extra_v = list(TIMED_EXTRA if meta["name"].startswith("synth") else []) + SIZE_ONLY
        variants = variants + [v for v in extra_v if v["name"] not in names_]
        for v in variants:
            cfg = {"workload": meta["name"], "variant": v["name"], "dir": d, "check": meta["check"],
                   "args": args, "extra": v["extra"], "input_bytes": size,
                   "size_only": v.get("size_only", False),
                   "input_files": nfiles, "threads": "default", "desc": meta.get("desc", "")}
            configs.append(cfg)
            if meta["name"] in t1_wls and not v["extra"] and not cfg["size_only"]:
                c1 = dict(cfg)
                c1["threads"] = "1"
                configs.append(c1)
    results = {"machine": machine_info(smelt), "runs": a.runs, "note": a.note, "configs": []}
    smelt_digests = {}
    for cfg in configs:
        label = cfg_label(cfg)
        print("bench: %s (%d input files, %.1f MB)" % (label, cfg["input_files"], cfg["input_bytes"] / 1e6), flush=True)

        names = [n for n in ORDER if not (cfg["threads"] == "1" and n in ("gold", "bfd"))]
        if cfg["threads"] == "1":
            # smelt at its default thread count joins the --threads=1
            # rounds: the speed-up from more threads is then measured on
            # runs taken under the same conditions, round by round
            names.insert(1, SMELT_NT)
            if (os.cpu_count() or 1) > 1:
                names.insert(2, SMELT_SIM)
        per = {}
        argvs = {}
        for n in names:
            # smelt's extra arms are smelt at default threads and at one
            linker = "smelt" if n in (SMELT_NT, SMELT_SIM) else n
            ln = L[linker]
            if "--icf=all" in cfg["extra"] and not ln["icf"]:
                per[n] = {"skipped": "does not support --icf"}
                continue
            t1 = n == SMELT_SIM or (n != SMELT_NT and cfg["threads"] == "1")
            argvs[n] = ln["argv"] + (ln["t1"] if t1 else []) + cfg["args"] + \
                translate(linker, cfg["extra"])
            # smelt on more than one thread: its runs record the round trip
            per[n] = {"wall": [], "cpu": [], "rss": [], "threaded": linker == "smelt" and not t1}
            if n == SMELT_SIM:
                per[n]["copies"] = os.cpu_count()
        safe = label.replace(" ", "_").replace("/", "_").replace("=", "")
        # warm-up + check
        for n, argv in argvs.items():
            outp = os.path.join(a.scratch, "%s.%s" % (safe, n))
            log = outp + ".log"
            argv = with_output(argv, outp)
            st, wall, cpu, rss = run_timed(argv, cfg["dir"], log)
            r = per[n]
            if st != 0:
                r["link_failed"] = "exit %d: %s" % (st, tail(log))
                r["check"] = "link failed"
                print("  %-6s link FAILED (%s)" % (n, r["link_failed"]), flush=True)
                continue
            cst = check(cfg["check"], outp, cfg["dir"], outp + ".check")
            r["output_bytes"] = os.path.getsize(outp)
            if n == "smelt":
                # the same link at another --threads must give the same bytes
                key = (cfg["workload"], cfg["variant"])
                digest = file_digest(outp)
                if key in smelt_digests:
                    r["same_bytes_as_default_threads"] = smelt_digests[key] == digest
                    print("  smelt  output %s the default-threads link's" % (
                        "identical to" if smelt_digests[key] == digest else "DIFFERS from"), flush=True)
                else:
                    smelt_digests[key] = digest
            interp = has_interp(outp)
            if cst == 0:
                r["check"] = "ok"
                if interp:
                    # runs here only because this host has musl's ld.so
                    r["check"] = "ok, has PT_INTERP"
            else:
                r["check"] = "FAIL (%s)" % describe(cst)
                r["check_log"] = tail(outp + ".check")
                if interp:
                    r["check"] += ", has PT_INTERP"
                    a2 = with_output(drop_dynamic_linker(argvs[n]), outp + ".nointerp")
                    st2 = run_timed(a2, cfg["dir"], log + ".nointerp")[0]
                    ok2 = st2 == 0 and check(cfg["check"], outp + ".nointerp", cfg["dir"], outp + ".nointerp.check") == 0
                    r["without_dynamic_linker"] = "runs" if ok2 else "still fails"
                    try:
                        os.unlink(outp + ".nointerp")
                    except OSError:
                        pass
            print("  %-6s check: %s%s" % (n, r["check"], (" [without -dynamic-linker: %s]" % r["without_dynamic_linker"]) if "without_dynamic_linker" in r else ""), flush=True)
        # smelt --stats: a few extra runs, per-pass medians
        if cfg["workload"] == a.stats and cfg["variant"] == "" and "smelt" in argvs:
            outp = os.path.join(a.scratch, safe + ".stats")
            argv = with_output(argvs["smelt"], outp) + ["--stats"]
            runs, c2cs = [], []
            for _ in range(a.stats_runs):
                if per["smelt"]["threaded"]:
                    c2cs.append(c2c_ns())
                st, wall, _, _ = run_timed(argv, cfg["dir"], outp + ".txt")
                with open(outp + ".txt") as fh:
                    text = fh.read()
                runs.append((wall, parse_stats(text), text))
            passes = list(runs[0][1].keys())
            cfg["smelt_stats"] = {
                "runs": len(runs),
                "process_wall_ms": statistics.median(r[0] for r in runs) * 1000,
                # per run, then the median: the median wall minus the sum of
                # per-pass medians mixes runs and swings by tens of ms
                "outside_ms": statistics.median(r[0] * 1000 - sum(w for w, _ in r[1].values())
                                                for r in runs),
                "passes": [[p_, statistics.median(r[1].get(p_, (0, 0))[0] for r in runs),
                            statistics.median(r[1].get(p_, (0, 0))[1] for r in runs)] for p_ in passes],
                "raw": sorted(runs, key=lambda r: r[0])[len(runs) // 2][2],
                "c2c_ns": c2cs,
            }
        # timed rounds; measured again (at most twice more) when other
        # processes took more than --max-other % of a core meanwhile, keeping
        # the quietest attempt
        live = [n for n in names if n in argvs and "link_failed" not in per[n]]
        if cfg["size_only"]:
            live = []
        best = None
        for attempt in range(3):
            samples = {n: {"wall": [], "cpu": [], "rss": [], "c2c": [], "failures": 0} for n in live}
            busy0, t0 = cpu_busy()
            c2c_cpu0 = C2C_CPU
            orders = williams_orders(len(live)) if live else [[]]
            for rnd in range(a.runs):
                order = [live[i] for i in orders[rnd % len(orders)]]
                for n in order:
                    outp = os.path.join(a.scratch, "%s.%s" % (safe, n))
                    threaded = per[n]["threaded"]
                    c2c = c2c_ns() if threaded else None
                    if n == SMELT_SIM:
                        st, wall, cpu, rss = run_simultaneous(argvs[n], cfg["dir"], outp, per[n]["copies"])
                    else:
                        argv = with_output(argvs[n], outp)
                        st, wall, cpu, rss = run_timed(argv, cfg["dir"], outp + ".log")
                    if st != 0:
                        samples[n]["failures"] += 1
                    else:
                        samples[n]["wall"].append(wall)
                        samples[n]["cpu"].append(cpu)
                        samples[n]["rss"].append(rss)
                        if threaded:
                            samples[n]["c2c"].append(c2c)
                os.sync()
            busy1, t1 = cpu_busy()
            # an arm of n links at once records each link's mean: all n count
            ours = sum(sum(samples[n]["cpu"]) * per[n].get("copies", 1) for n in live)
            ours += C2C_CPU - c2c_cpu0
            # CPU time used by anything but the timed linkers (other
            # processes, this script, sync): how quiet the machine was
            other = max(0.0, (busy1 - busy0 - ours) / max(t1 - t0, 1e-9) * 100)
            if best is None or other < best[0]:
                best = (other, samples)
            if other <= a.max_other or not live:  # nothing timed (size-only)
                break
            print("  (other processes used %.0f %% of a core: measuring again)" % other, flush=True)
        cfg["other_cpu_pct"], samples = best
        cfg["attempts"] = attempt + 1
        for n in live:
            per[n]["wall"], per[n]["cpu"], per[n]["rss"] = samples[n]["wall"], samples[n]["cpu"], samples[n]["rss"]
            if samples[n]["c2c"]:
                per[n]["c2c_ns"] = samples[n]["c2c"]
            if samples[n]["failures"]:
                per[n]["run_failures"] = samples[n]["failures"]
        for n in live:
            r = per[n]
            if r["wall"]:
                r["wall_med"] = statistics.median(r["wall"])
                r["wall_min"] = min(r["wall"])
                r["wall_max"] = max(r["wall"])
                r["cpu_med"] = statistics.median(r["cpu"])
                r["rss_med_mib"] = statistics.median(r["rss"]) / 1024
            print("  %-6s wall %.3fs  cpu %.3fs  rss %.0f MiB" % (n, r.get("wall_med", 0), r.get("cpu_med", 0), r.get("rss_med_mib", 0)), flush=True)
        cfg["linkers"] = per
        for n in list(argvs) + ["stats"]:
            copies = per.get(n, {}).get("copies", 0)
            for o in [""] + [".%d" % (i + 1) for i in range(copies)]:
                try:
                    os.unlink(os.path.join(a.scratch, "%s.%s%s" % (safe, n, o)))
                except OSError:
                    pass

        cfg["argv_example"] = {n: " ".join(v[:3]) for n, v in argvs.items()}
        del cfg["args"]
        results["configs"].append(cfg)
        # write as we go, so a long run leaves something behind
        write_all(results, a.out)
    write_all(results, a.out)


def parse_stats(text):
    """{pass: (wall ms, cpu ms)} from smelt --stats output."""
    import re
    out = {}
    for line in text.splitlines():
        m = re.match(r"smelt: (.+?)\s+wall\s+([\d.]+) ms\s+cpu\s+([\d.]+) ms", line)
        if m:
            out[m.group(1).strip()] = (float(m.group(2)), float(m.group(3)))
    return out


def stats_table(st):
    L = ["| pass | wall (ms) | CPU (ms) | CPU ÷ wall | share of wall |", "| --- | ---: | ---: | ---: | ---: |"]
    tot = st["process_wall_ms"]
    inside = 0.0
    for name, w, c in st["passes"]:
        inside += w
        if w < 0.5:
            continue
        L.append("| %s | %.1f | %.1f | %.2f | %.0f %% |" % (name, w, c, c / w if w else 0, 100 * w / tot))
    out = st.get("outside_ms", tot - inside)
    L.append("| (outside the passes: exec, option parsing, exit, unmapping; median over runs) | %.1f | | | %.0f %% |" % (
        out, 100 * out / tot))
    L.append("| **process wall, as timed here** | **%.1f** | | | |" % tot)
    return L


def cpu_busy():
    """(busy seconds of all CPUs, wall seconds) from /proc/stat."""
    with open("/proc/stat") as fh:
        f = [int(x) for x in fh.readline().split()[1:]]
    hz = os.sysconf("SC_CLK_TCK")
    idle = f[3] + f[4]
    return (sum(f[:8]) - idle) / hz, time.monotonic()


def describe(code):
    if code >= 128 + 1 and code < 128 + 65:
        import signal
        try:
            return "killed by " + signal.Signals(code - 128).name
        except ValueError:
            pass
    return "exit %d" % code


def tail(path, n=3):
    try:
        with open(path, errors="replace") as fh:
            lines = [l.rstrip() for l in fh.readlines() if l.strip()]
        return " | ".join(lines[-n:])[:300]
    except OSError:
        return ""


def cfg_label(cfg):
    s = cfg["workload"]
    if cfg["variant"]:
        s += " " + cfg["variant"]
    if cfg["threads"] == "1":
        s += " --threads=1"
    return s


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True).stdout.strip()
    except OSError:
        return "?"


def machine_info(smelt):
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    return {
        "date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu, "nproc": os.cpu_count(),
        "mem": sh("free -g | awk '/Mem:/{print $2\" GiB\"}'"),
        "kernel": platform.release(),
        "smelt": sh("'%s' --version | head -1" % smelt) + ", git " +
                 sh("git -C '%s' describe --always --dirty 2>/dev/null" % HERE),
        "mold": sh("mold --version | head -1"),
        "lld": sh("ld.lld --version | head -1"),
        "gold": sh("ld.gold --version | head -1"),
        "bfd": sh("ld.bfd --version | head -1"),
        "cc": sh("musl-gcc --version | head -1") + " (musl-gcc)",
    }


# ----------------------------------------------------------------- reporting

def fmt_s(x):
    return "%.3f" % x if x < 10 else "%.2f" % x


def ratio(a, b):
    if not a or not b:
        return "–"
    return "%.2f×" % (a / b)


def write_all(res, out):
    with open(os.path.join(out, "results.json"), "w") as fh:
        json.dump(res, fh, indent=1)
    with open(os.path.join(out, "results.md"), "w") as fh:
        fh.write(markdown(res))
    with open(os.path.join(out, "results.svg"), "w") as fh:
        fh.write(svg(res))


def check_cell(r):
    if "skipped" in r:
        return "n/a (" + r["skipped"] + ")"
    c = r.get("check", "?")
    if c == "ok":
        return "✓ runs"
    if c == "ok, has PT_INTERP":
        return "⚠ runs, but has PT_INTERP + DYNAMIC: loaded by /lib/ld-musl-x86_64.so.1, not static"
    s = "✗ " + c.replace("FAIL (", "").replace("killed by ", "").replace(")", "")
    if r.get("without_dynamic_linker") == "runs":
        s += " (known bug); runs without `-dynamic-linker`"
    elif "without_dynamic_linker" in r:
        s += "; fails without `-dynamic-linker` too"
    return s


def mark(r):
    c = r.get("check", "ok")
    return "" if c == "ok" else " ⚠" if c.startswith("ok") else " ✗"


def markdown(res):
    m = res["machine"]
    L = []
    L.append("# smelt benchmark results\n")
    L.append("Generated by `bench/run.sh` (see bench/README.md) on %s.\n" % m["date"])
    L.append("- machine: %s, %d cores, %s RAM, Linux %s" % (m["cpu"], m["nproc"], m["mem"], m["kernel"]))
    L.append("- smelt: %s" % m["smelt"])
    L.append("- peers: %s; %s; %s; %s" % (m["mold"], m["lld"], m["gold"], m["bfd"]))
    L.append("- inputs compiled by %s" % m["cc"])
    L.append("- %d timed runs per linker and configuration, alternating between linkers; "
             "median wall (min–max), median CPU (user+sys), median peak RSS. "
             "Warm page cache. Default thread counts unless the row says `--threads=1` "
             "(mold, lld and smelt use every core by default; gold is given `--threads --thread-count N` with N = cores; GNU ld is single-threaded)."
             % res["runs"])
    L.append("- ratio columns: smelt's median ÷ that linker's (below 1.00× = smelt is faster / smaller).")
    if res.get("note"):
        L.append("- " + res["note"])
    L.append("")
    # summary
    L.append("## Summary: median wall time (s), and smelt ÷ peer\n")
    L.append("| link | inputs | smelt | mold | lld | gold | GNU ld | smelt÷mold | smelt÷lld | RSS smelt÷mold |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    timed = [c for c in res["configs"] if not c.get("size_only")]
    for c in timed:
        p = c["linkers"]
        def w(n):
            r = p.get(n)
            if not r or "wall_med" not in r:
                return "–" if (not r or "skipped" in r) else "failed"
            return fmt_s(r["wall_med"]) + mark(r)
        sm = p.get("smelt", {}).get("wall_med")
        L.append("| %s | %.0f MB, %d files | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            cfg_label(c), c["input_bytes"] / 1e6, c["input_files"], w("smelt"), w("mold"), w("lld"),
            w("gold"), w("bfd"), ratio(sm, p.get("mold", {}).get("wall_med")),
            ratio(sm, p.get("lld", {}).get("wall_med")),
            ratio(p.get("smelt", {}).get("rss_med_mib"), p.get("mold", {}).get("rss_med_mib"))))
    L.append("\n✗ = the output of that link does not run; ⚠ = it runs only through musl's dynamic loader "
             "(PT_INTERP in a -static link); see the per-link tables. Linkers whose output fails are still timed.\n")
    L.extend(targets(res))
    L.extend(sizes(res))
    L.append("## Per link\n")
    for c in timed:
        L.append("### %s\n" % cfg_label(c))
        if c.get("desc"):
            L.append(c["desc"] + "\n")
        L.append("%.1f MB in %d input files%s. CPU used by other processes during the timed runs: "
                 "%.0f %% of one core%s.\n" % (
                 c["input_bytes"] / 1e6, c["input_files"],
                 (", extra flags `%s`" % " ".join(c["extra"])) if c["extra"] else "",
                 c.get("other_cpu_pct", -1),
                 " (quietest of %d attempts)" % c["attempts"] if c.get("attempts", 1) > 1 else ""))
        L.append("| linker | wall (s) | min–max | CPU (s) | peak RSS (MiB) | output (MB) | smelt÷ wall | smelt÷ CPU | smelt÷ RSS | output runs? |")
        L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        p = c["linkers"]
        s = p.get("smelt", {})
        for n in ORDER + [SMELT_NT, SMELT_SIM]:
            if n not in p:
                continue
            r = p[n]
            name = n if n != "bfd" else "GNU ld"
            if n == SMELT_NT:
                name = "smelt, default threads (same rounds)"
            elif n == SMELT_SIM:
                name = "smelt --threads=1, %d links at once (each)" % r.get("copies", 0)
            elif c["threads"] == "1":
                name += " --threads=1"
            if "wall_med" not in r:
                L.append("| %s | – | – | – | – | – | – | – | – | %s |" % (name, check_cell(r) if "skipped" in r else ("link failed: " + r.get("link_failed", "?"))))
                continue
            mine = n in ("smelt", SMELT_NT, SMELT_SIM)  # no ratio to itself
            L.append("| %s | %s | %s–%s | %s | %.0f | %.1f | %s | %s | %s | %s |" % (
                name, fmt_s(r["wall_med"]), fmt_s(r["wall_min"]), fmt_s(r["wall_max"]),
                fmt_s(r["cpu_med"]), r["rss_med_mib"], r.get("output_bytes", 0) / 1e6,
                "" if mine else ratio(s.get("wall_med"), r["wall_med"]),
                "" if mine else ratio(s.get("cpu_med"), r["cpu_med"]),
                "" if mine else ratio(s.get("rss_med_mib"), r["rss_med_mib"]),
                check_cell(r)))
        L.append("")
        if c.get("smelt_stats"):
            st = c["smelt_stats"]
            L.append("smelt `--stats` for this link (%d extra runs%s; per-pass medians):\n" % (
                st["runs"], ", `--threads=1`" if c["threads"] == "1" else ", default threads"))
            L.extend(stats_table(st))
            L.append("\nRaw `--stats` of the median run:\n")
            L.append("```\n" + st["raw"].rstrip() + "\n```\n")
    L.append("![chart](results.svg)\n")
    return "\n".join(L) + "\n"


def sizes(res):
    """Output bytes of every link, per workload and variant, and what each
    option saves against the plain link."""
    by = {}
    for c in res["configs"]:
        if c["threads"] != "default":
            continue
        by.setdefault(c["workload"], []).append(c)
    if not by:
        return []
    L = ["## Output sizes (bytes)\n",
         "Every link checked to run (✗: it does not). Size-only variants are linked once per linker and not timed. "
         "`--no-rosegment` is GNU ld's `-z noseparate-code`. Δ = against the same linker's plain link.\n",
         "| link | smelt | mold | lld | gold | GNU ld | smelt ÷ smallest peer |",
         "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for wl, cs in by.items():
        plain = next((c for c in cs if not c["variant"]), None)
        for c in cs:
            cells = []
            peers = []
            for n in ORDER:
                r = c["linkers"].get(n, {})
                b = r.get("output_bytes")
                if not b:
                    cells.append("n/a" if "skipped" in r else "–")
                    continue
                if n != "smelt":
                    peers.append(b)
                t = "{:,}".format(b)
                pb = plain["linkers"].get(n, {}).get("output_bytes") if plain and c is not plain else None
                if pb:
                    t += " (%+.1f %%)" % (100.0 * (b - pb) / pb)
                if not r.get("check", "ok").startswith("ok"):
                    t += " ✗"
                cells.append(t)
            sb = c["linkers"].get("smelt", {}).get("output_bytes")
            L.append("| %s | %s | %s |" % (cfg_label(c), " | ".join(cells),
                                           ratio(sb, min(peers)) if sb and peers else "–"))
    L.append("")
    return L


def targets(res):
    """The issue's targets, evaluated on the largest synthetic link."""
    synth = [c for c in res["configs"] if c["workload"].startswith("synth") and not c["variant"]]
    if not synth:
        return []
    big = max(synth, key=lambda c: c["input_bytes"])
    d = next((c for c in synth if c["input_bytes"] == big["input_bytes"] and c["threads"] == "default"), None)
    t1 = next((c for c in synth if c["input_bytes"] == big["input_bytes"] and c["threads"] == "1"), None)
    if not d:
        return []
    g = lambda c, n, k: c["linkers"].get(n, {}).get(k) if c else None
    rows = []
    def row(what, val, goal, ok):
        rows.append("| %s | %s | %s | %s |" % (what, val, goal, "met" if ok else "**not met**"))
    def r_(a, b):
        return a / b if a and b else None
    for peer in ("mold", "lld"):
        v = r_(g(d, "smelt", "wall_med"), g(d, peer, "wall_med"))
        if v:
            row("wall, smelt ÷ %s" % peer, "%.2f×" % v, "≤ 0.60×", v <= 0.6)
    v = r_(g(t1, "smelt", "wall_med"), g(t1, "lld", "wall_med"))
    if v:
        row("wall --threads=1, smelt ÷ lld", "%.2f×" % v, "≤ 0.70×", v <= 0.7)
    v = r_(g(d, "smelt", "rss_med_mib"), g(d, "mold", "rss_med_mib"))
    if v:
        row("peak RSS, smelt ÷ mold", "%.2f×" % v, "≤ 0.80×", v <= 0.8)
    # both arms from the same rounds (the --threads=1 rows); the ratio of
    # the two tables' medians mixes runs taken among different neighbours
    # (the default-threads rows also alternate with gold and GNU ld)
    v = r_(g(t1, "smelt", "wall_med"), g(t1, SMELT_NT, "wall_med"))
    if v:
        row("smelt speed-up 1 → %d threads (same rounds)" % res["machine"]["nproc"], "%.2f×" % v,
            "≥ 1.80×", v >= 1.8)
    across = r_(g(t1, "smelt", "wall_med"), g(d, "smelt", "wall_med"))
    same = g(t1, "smelt", "same_bytes_as_default_threads")
    if same is not None:
        row("output bytes, --threads=1 vs default", "identical" if same else "differ", "identical", same)
    out = ["## Targets (issue 3) on the largest synthetic link: %s\n" % big["workload"],
           "| measure | value | target | |", "| --- | ---: | ---: | --- |"] + rows + [""]
    if across:
        out.append("The speed-up is timed within the `--threads=1` rows, where smelt at its default "
                   "thread count is one more arm of each round; across the two tables' medians "
                   "it is %.2f×.\n" % across)
    sim, one = g(t1, SMELT_SIM, "wall_med"), g(t1, "smelt", "wall_med")
    if sim and one:
        k = g(t1, SMELT_SIM, "copies")
        out.append("What this machine allows: in the same rounds, %d `--threads=1` links started together "
                   "took %.3f s each against %.3f s for one alone (%+.1f %%). Their threads share nothing, "
                   "so %d cores did %.2f× the work of one in the same time: the most any thread count "
                   "could gain here.\n" % (k, sim, one, 100.0 * (sim - one) / one, k, k * one / sim))
    nt = g(t1, SMELT_NT, "c2c_ns")
    if one and nt and any(nt):
        out.append(placement(one, g(t1, SMELT_NT, "wall"), nt, res["machine"]["nproc"]))
    if t1 and d.get("smelt_stats") and t1.get("smelt_stats"):
        a1 = {p_: (w, c) for p_, w, c in t1["smelt_stats"]["passes"]}
        cc = [x for x in d["smelt_stats"].get("c2c_ns", []) if x]
        out.append("### Where smelt's time goes on %s (`--stats`, medians of %d runs%s)\n" % (
            big["workload"], d["smelt_stats"]["runs"],
            "; CPU-to-CPU round trip before the %d-thread runs: %s ns" % (
                res["machine"]["nproc"], ", ".join("%.0f" % x for x in cc)) if cc else ""))
        out.append("| pass | --threads=1 wall (ms) | %d threads wall (ms) | speed-up | %d-thread CPU (ms) |" % (
            res["machine"]["nproc"], res["machine"]["nproc"]))
        out.append("| --- | ---: | ---: | ---: | ---: |")
        in1 = inn = 0.0
        for p_, w, c in d["smelt_stats"]["passes"]:
            w1 = a1.get(p_, (0, 0))[0]
            in1 += w1
            inn += w
            if max(w, w1) < 0.5:
                continue
            out.append("| %s | %.1f | %.1f | %s | %.1f |" % (p_, w1, w, "%.2f×" % (w1 / w) if w else "–", c))
        o1 = t1["smelt_stats"].get("outside_ms", t1["smelt_stats"]["process_wall_ms"] - in1)
        on = d["smelt_stats"].get("outside_ms", d["smelt_stats"]["process_wall_ms"] - inn)
        out.append("| (outside the passes) | %.1f | %.1f | %s | |" % (o1, on, "%.2f×" % (o1 / on) if on > 0 else "–"))
        out.append("| **process wall** | **%.1f** | **%.1f** | **%.2f×** | |\n" % (
            t1["smelt_stats"]["process_wall_ms"], d["smelt_stats"]["process_wall_ms"],
            t1["smelt_stats"]["process_wall_ms"] / d["smelt_stats"]["process_wall_ms"]))
    return out


def placement(one, walls, c2cs, nproc):
    """What the speed-up was with the CPUs near each other and far apart."""
    near, far = c2c_split(walls, c2cs)
    known = [c for c in c2cs if c is not None]
    def part(ws):
        if not ws:
            return "no round"
        m = statistics.median(ws)
        return "%d round%s: %.3f s, %.2f×" % (len(ws), "" if len(ws) == 1 else "s", m, one / m)
    return ("Where the host put the CPUs: before each default-thread run of smelt in those rounds, "
            "a cache line's round trip between the first two took %.0f–%.0f ns (median %.0f). "
            "Sharing a last-level cache (under %.0f ns), 1 → %d threads: %s. Apart: %s. "
            "Each line that smelt's threads both write costs that round trip.\n" % (
                min(known), max(known), statistics.median(known), C2C_NEAR_NS, nproc, part(near),
                part(far)))


COLORS = {"smelt": "#d9480f", "mold": "#1971c2", "lld": "#2f9e44", "gold": "#e0a800", "bfd": "#868e96"}


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def svg(res):
    """Grouped horizontal bars: per link, each linker's median wall time,
    scaled to the slowest linker of that link; labels give seconds."""
    configs = [c for c in res["configs"] if not c.get("size_only")]
    W, left, right = 960, 250, 250
    barh, gap, top = 14, 18, 60
    rows = sum(len([n for n in ORDER if n in c["linkers"]]) for c in configs)
    H = top + rows * barh + len(configs) * gap + 40
    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">' % (W, H),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="10" y="20" font-size="15" font-weight="bold">Link time: median wall seconds (bars scaled per link to its slowest linker)</text>',
         '<text x="10" y="38" fill="#555">%s, %d cores; %d alternating runs each; hatched = output does not run; smelt %s</text>'
         % (esc(res["machine"]["cpu"]), res["machine"]["nproc"], res["runs"], esc(res["machine"]["smelt"].replace("smelt ", "", 1)))]
    o.append('<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
             '<line x1="0" y1="0" x2="0" y2="6" stroke="white" stroke-width="2"/></pattern></defs>')
    y = top
    span = W - left - right
    for c in configs:
        p = c["linkers"]
        names = [n for n in ORDER if n in p]
        mx = max([p[n].get("wall_med", 0) for n in names] + [1e-9])
        o.append('<text x="10" y="%d" font-weight="bold">%s</text>' % (y + barh - 3, esc(c["workload"])))
        sub = " ".join(filter(None, [c["variant"], "--threads=1" if c["threads"] == "1" else ""]))
        ln = 2
        if sub:
            o.append('<text x="10" y="%d">%s</text>' % (y + 2 * barh - 3, esc(sub)))
            ln = 3
        o.append('<text x="10" y="%d" fill="#555">%.0f MB input</text>' % (y + ln * barh - 3, c["input_bytes"] / 1e6))
        for n in names:
            r = p[n]
            lab = n if n != "bfd" else "GNU ld"
            o.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 6, y + barh - 3, lab))
            if "wall_med" in r:
                w = max(1, span * r["wall_med"] / mx)
                o.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>' % (left, y + 1, w, barh - 2, COLORS[n]))
                if not r.get("check", "").startswith("ok"):
                    o.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="url(#hatch)"/>' % (left, y + 1, w, barh - 2))
                txt = "%s s" % fmt_s(r["wall_med"])
                if n != "smelt" and p.get("smelt", {}).get("wall_med"):
                    txt += "  (smelt %s)" % ratio(p["smelt"]["wall_med"], r["wall_med"])
                if not r.get("check", "").startswith("ok"):
                    txt += "  ✗ crashes"
                elif r.get("check") != "ok":
                    txt += "  ⚠ PT_INTERP"
                o.append('<text x="%.1f" y="%d">%s</text>' % (left + w + 4, y + barh - 3, esc(txt)))
            else:
                o.append('<text x="%d" y="%d" fill="#888">%s</text>' % (left + 4, y + barh - 3,
                         esc(r.get("skipped") or "link failed")))
            y += barh
        y += gap
    o.append("</svg>")
    return "\n".join(o) + "\n"


if __name__ == "__main__":
    main()
