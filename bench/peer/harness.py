"""Peer benchmark for the bulk import (see run.sh and docs/PERFORMANCE.md).

Each run gets a fresh in-memory sandbox (`enroll-console sandbox`) on
127.0.0.1; the contender imports the same 10,000-row admin-center CSV in
chunks of the same size with the same number of calls in flight; the run
counts only when the sandbox then holds every row. Wall time and peak RSS
(GNU time's maximum resident set of the contender's process) are reported; the table is Markdown.
Standard library only; the SDK side runs in the virtualenv's interpreter.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def imei(n):
    body = f"35{n:012d}"
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d // 10 + d % 10
        total += d
    return body + str((10 - total % 10) % 10)


def rows(count):
    """Admin-center rows: IMEIs and serials, with and without details."""
    out = []
    for n in range(1, count + 1):
        if n % 2 == 0:
            out.append((imei(n), f"PO-4711 cart {n % 7}"))
        else:
            out.append((f"SN{n:08d}", ""))
    return out


def write_inputs(folder, count, chunk):
    data = rows(count)
    csv_path = os.path.join(folder, "devices.csv")
    with open(csv_path, "w", encoding="utf-8", newline="") as f:
        for identifier, details in data:
            f.write(f"{identifier},{details}\r\n")
    bodies = []
    for start in range(0, count, chunk):
        items = []
        for identifier, details in data[start : start + chunk]:
            item = {
                "@odata.type": "#microsoft.graph.importedDeviceIdentity",
                "importedDeviceIdentifier": identifier,
                "importedDeviceIdentityType": "serialNumber" if identifier.startswith("SN") else "imei",
            }
            if details:
                item["description"] = details
            item["enrollmentState"] = "notContacted"
            items.append(item)
        path = os.path.join(folder, f"body-{len(bodies):03d}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"importedDeviceIdentities": items, "overwriteImportedDeviceIdentities": False}, f, separators=(",", ":"))
        bodies.append(path)
    return csv_path, bodies


class Sandbox:
    def __init__(self, binary, home):
        env = dict(os.environ, ENROLL_CONSOLE_HOME=home)
        self.proc = subprocess.Popen(
            [binary, "sandbox", "--in-memory", "--port", "0", "--page-size", "1000"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True,
        )
        first = self.proc.stdout.readline()
        self.root = first.strip().split()[-1]

    def count(self):
        req = urllib.request.Request(
            self.root + "/deviceManagement/importedDeviceIdentities/$count",
            headers={"Authorization": "Bearer benchmark-token", "Accept": "text/plain"},
        )
        with urllib.request.urlopen(req) as r:
            return int(r.read().decode().strip())

    def cpu(self):
        """The sandbox's CPU seconds so far, all threads (Linux: /proc/PID/task/*/schedstat,
        in nanoseconds); NaN elsewhere."""
        total = 0
        try:
            for task in os.listdir(f"/proc/{self.proc.pid}/task"):
                with open(f"/proc/{self.proc.pid}/task/{task}/schedstat") as f:
                    total += int(f.read().split()[0])
        except OSError:
            return float("nan")
        return total / 1e9

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def measure(argv, env=None):
    """Runs argv under GNU time (so the peak RSS is the contender's, not this
    interpreter's, which a forked child inherits); returns (wall seconds,
    peak RSS in MiB, CPU seconds (user + system), exit code)."""
    with tempfile.NamedTemporaryFile("r") as rss:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", rss.name] + argv,
                              capture_output=True, env=env)
        wall = time.perf_counter() - start
        peak, user, system = rss.read().strip().splitlines()[-1].split()
        peak_kib, cpu = int(peak), float(user) + float(system)
    if proc.returncode != 0:
        sys.stderr.write(f"{argv[0]} exited {proc.returncode}: "
                         f"{proc.stderr.decode(errors='replace')[-2000:]}\n")
    return wall, peak_kib / 1024.0, cpu, proc.returncode


def contenders(args, csv_path, bodies, home):
    env = dict(os.environ, ENROLL_CONSOLE_HOME=home, ENROLL_CONSOLE_TOKEN="benchmark-token")

    def ours(root):
        return measure(
            [args.binary, "--graph-url", root, "import", csv_path,
             "--chunk", str(args.chunk), "--in-flight", str(args.in_flight)],
            env,
        )

    def curl(root):
        url = root + "/deviceManagement/importedDeviceIdentities/importDeviceIdentityList"
        argv = ["curl", "--silent", "--show-error", "--fail", "--parallel",
                "--parallel-max", str(args.in_flight), "--output", "/dev/null"]
        for i, body in enumerate(bodies):
            if i:
                argv.append("--next")
            argv += ["--output", "/dev/null", "-H", "Authorization: Bearer benchmark-token",
                     "-H", "Content-Type: application/json", "--data-binary", "@" + body, url]
        return measure(argv)

    def sdk(root):
        here = os.path.dirname(os.path.abspath(__file__))
        return measure(
            [args.python, os.path.join(here, "sdk_import.py"), root, csv_path,
             str(args.chunk), str(args.in_flight)],
        )

    return [("enroll-console", ours, args.runs), ("curl (bare wire)", curl, args.runs),
            ("msgraph-beta-sdk (Python)", sdk, args.sdk_runs)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    p.add_argument("--python", required=True, help="the virtualenv's interpreter")
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--chunk", type=int, default=1_000)
    p.add_argument("--in-flight", type=int, default=4)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--sdk-runs", type=int, default=1)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        csv_path, bodies = write_inputs(folder, args.rows, args.chunk)
        results = {}
        for name, run, runs in contenders(args, csv_path, bodies, folder):
            if runs == 0:
                continue
            walls, peaks, cpus, served_cpus = [], [], [], []
            for i in range(runs):
                sandbox = Sandbox(args.binary, folder)
                try:
                    before = sandbox.cpu()
                    wall, peak, cpu, code = run(sandbox.root)
                    served = sandbox.cpu() - before
                    count = sandbox.count()
                finally:
                    sandbox.stop()
                complete = code == 0 and count == args.rows
                print(f"{name} run {i + 1}: {wall:.3f} s, {cpu:.2f} s CPU, {peak:.1f} MiB, exit {code}, "
                      f"sandbox CPU {served * 1000:.0f} ms, "
                      f"sandbox holds {count}/{args.rows} {'(complete)' if complete else '(INCOMPLETE)'}",
                      file=sys.stderr)
                if not complete:
                    sys.exit(f"{name}: run {i + 1} did not create every row")
                walls.append(wall)
                peaks.append(peak)
                cpus.append(cpu)
                served_cpus.append(served)
            results[name] = (statistics.median(walls), min(walls), statistics.median(cpus),
                             max(peaks), runs, statistics.median(served_cpus))
    ours_wall = results["enroll-console"][0]
    print(f"| contender ({args.rows:,} rows, chunks of {args.chunk}, {args.in_flight} in flight) "
          "| runs | median wall | best wall | median CPU (user+sys) | peak RSS "
          "| the sandbox's median CPU | median wall ÷ enroll-console's |")
    print("|---|---|---|---|---|---|---|---|")
    for name, (wall, best, cpu, peak, runs, served) in results.items():
        print(f"| {name} | {runs} | {wall:.3f} s | {best:.3f} s | {cpu:.2f} s | {peak:.1f} MiB "
              f"| {served * 1000:.0f} ms | {wall / ours_wall:.2f} |")


if __name__ == "__main__":
    main()
