#!/usr/bin/env python3
"""How close a host gets to one fast modem's own limit: N single-part SMS through one
zero-latency simulated modem behind a pty, sent four ways, in one run:

  trivial client   one `AT+CMGS` per SMS and nothing else (the pty path's ceiling)
  native client    the same loop compiled (scripts/pty-client.rs, built here with rustc),
                   to show whether Python's own cost moves the ceiling
  plutanium run    the daemon at its default settings, its store a real SQLite file
  smstools3        Debian's smsd, tuned for speed (settings below)

Each path gets a fresh `plutanium sim` with one modem on loopback TCP, bridged to a pty
by socat (as a remote modem is bridged; `--direct` uses the simulator's own pty
instead). The whole queue is in place before the sender starts. A rate is timed by the
simulator's own clock: (N - 1) over the time between the first and the last SMS reaching
the phone, so start-up and this script's polling do not count. Every path must deliver
each text exactly once, or the script fails.

Plutanium's only change from the defaults is `policy.per_destination_per_hour`: every SMS
here goes to one phone, and that guard would otherwise hold all but 30 an hour.

Needs socat and smstools (Debian packages; .ci/run installs them), and rustc.
Usage: scripts/pty-bench.py [--bin target/release/plutanium] [-n 2000] [--runs 3]
       [--direct] [--skip trivial|native|smstools3]... [--smoke]
--smoke (CI): a few SMS per path, checks they all arrive once, prints no ratios.
"""

import argparse
import json
import os
import select
import shutil
import statistics
import subprocess as sp
import sys
import tempfile
import time
import tty
import urllib.request

MODEM = "+420777000001"
PHONE = "+420601234567"


def texts(n):
    return [f"bench {i:05d}" for i in range(n)]


def submit_pdu(number, text):
    """An SMS-SUBMIT PDU in hex (no SMSC, GSM 7-bit; `text` is ASCII letters, digits and
    spaces, whose GSM codes are their ASCII codes) and its TPDU length for AT+CMGS."""
    digits = number.lstrip("+")
    padded = digits + ("F" if len(digits) % 2 else "")
    address = bytes.fromhex("".join(padded[i + 1] + padded[i] for i in range(0, len(padded), 2)))
    septets, bits, count = bytearray(), 0, 0
    for code in text.encode():
        bits |= code << count
        count += 7
        while count >= 8:
            septets.append(bits & 0xFF)
            bits >>= 8
            count -= 8
    if count:
        septets.append(bits & 0xFF)
    # SUBMIT, MR 0, destination (international), PID 0, DCS 0, UDL in septets, UD.
    tpdu = bytes([0x01, 0x00, len(digits), 0x91]) + address + bytes([0, 0, len(text)]) + septets
    return ("00" + tpdu.hex().upper()).encode(), len(tpdu)


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except sp.TimeoutExpired:
            proc.kill()
            proc.wait()


class Sim:
    """`plutanium sim` with one zero-latency modem, and a pty in front of it."""

    def __init__(self, binary, work, name, direct):
        self.tty = os.path.join(work, f"tty-{name}")
        self.procs = []
        modem = f"gsm0={MODEM}" + ("" if direct else "@tcp://127.0.0.1:0")
        pty = ["--pty", self.tty] if direct else []
        sim = sp.Popen([binary, "sim", "--modem", modem, "--control", "127.0.0.1:0", *pty],
                       stdout=sp.PIPE, stderr=sp.DEVNULL, text=True)
        self.procs.append(sim)
        line = sim.stdout.readline()
        if not line:
            self.close()
            sys.exit(f"pty-bench: `{binary} sim` exited before it was ready")
        ready = json.loads(line)
        self.control = ready["control"]
        if not direct:
            self.procs.append(sp.Popen(
                ["socat", f"PTY,link={self.tty},raw,echo=0", f"TCP:{ready['modems'][0]['tcp']}"],
                stdout=sp.DEVNULL, stderr=sp.DEVNULL))
        for _ in range(100):
            if os.path.exists(self.tty):
                break
            time.sleep(0.05)
        else:
            self.close()
            sys.exit(f"pty-bench: the pty {self.tty} never appeared")

    def inbox(self):
        url = f"http://{self.control}/phones/{PHONE}/inbox"
        with urllib.request.urlopen(url, timeout=10) as resp:
            return json.loads(resp.read())

    def wait_for(self, n, timeout, alive):
        """The phone's inbox once it holds `n` SMS (and a little longer, so a repeat shows)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            box = self.inbox()
            if len(box) >= n:
                time.sleep(0.5)
                return self.inbox()
            if not alive():
                sys.exit(f"pty-bench: the sender exited with {len(box)} of {n} SMS delivered")
            time.sleep(0.1)
        sys.exit(f"pty-bench: {len(self.inbox())} of {n} SMS arrived in {timeout} s")

    def close(self):
        for proc in reversed(self.procs):
            stop(proc)


def trivial(binary, sim, work, n):
    """Opens the pty and sends one AT+CMGS per SMS, waiting for each answer."""
    pdus = [submit_pdu(PHONE, t) for t in texts(n)]
    fd = os.open(sim.tty, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    buf = bytearray()

    def expect(token, timeout=10):
        end = time.monotonic() + timeout
        while True:
            for seen in (token, b"ERROR"):
                at = buf.find(seen)
                if at >= 0:
                    del buf[:at + len(seen)]
                    if seen != token:
                        sys.exit(f"pty-bench: the modem said ERROR while the client waited for {token!r}")
                    return
            if not select.select([fd], [], [], max(0, end - time.monotonic()))[0]:
                sys.exit(f"pty-bench: no {token!r} from the modem in {timeout} s")
            buf.extend(os.read(fd, 4096))

    try:
        for command in (b"ATE0\r", b"AT+CMGF=0\r"):
            os.write(fd, command)
            expect(b"OK\r\n")
        for pdu, length in pdus:
            os.write(fd, b"AT+CMGS=%d\r" % length)
            expect(b"> ")
            os.write(fd, pdu + b"\x1a")
            expect(b"OK\r\n")
        return sim.wait_for(n, 60, lambda: True)
    finally:
        os.close(fd)


def native(binary, sim, work, n):
    """The trivial client's loop in Rust (scripts/pty-client.rs, compiled by main): the
    same ceiling without Python's own cost per SMS."""
    fd = os.open(sim.tty, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    os.dup2(fd, 3) if fd != 3 else None
    lines = "".join(f"{length} {pdu.decode()}\n" for pdu, length in
                    (submit_pdu(PHONE, t) for t in texts(n)))
    try:
        client = sp.run([os.path.join(work, "pty-client")], input=lines, text=True,
                        capture_output=True, pass_fds=(3,), timeout=120)
    finally:
        os.close(fd)
        if fd != 3:
            os.close(3)
    if client.returncode != 0:
        sys.exit(f"pty-bench: the native client failed: {client.stderr.strip()}")
    return sim.wait_for(n, 60, lambda: True)


def plutanium(binary, sim, work, n):
    """Queues `n` SMS with `plutanium send --file`, then runs the daemon until they are out."""
    d = tempfile.mkdtemp(dir=work, prefix="plutanium-")
    config = os.path.join(d, "plutanium.yaml")
    with open(config, "w") as f:
        f.write(f"store: sqlite://{d}/plutanium.db\n"
                f"modems:\n  gsm0: {{ port: \"serial://{sim.tty}?baud=115200&flow=none\", "
                f"number: \"{MODEM}\" }}\n"
                "routes: []\n"
                "policy: { per_destination_per_hour: 1000000 }\n")
    batch = os.path.join(d, "batch.jsonl")
    with open(batch, "w") as f:
        f.writelines(json.dumps({"to": PHONE, "text": t}) + "\n" for t in texts(n))
    queued = sp.run([binary, "send", "--config", config, "--file", batch],
                    capture_output=True, text=True)
    if queued.returncode != 0:
        sys.exit(f"pty-bench: `plutanium send --file` failed: {queued.stderr.strip()}")
    log = open(os.path.join(d, "daemon.log"), "w")
    daemon = sp.Popen([binary, "run", "--config", config, "--data-dir", d],
                      env={**os.environ, "RUST_LOG": "warn"}, stdout=log, stderr=log)
    try:
        return sim.wait_for(n, 600, lambda: daemon.poll() is None)
    finally:
        stop(daemon)
        log.close()


# What "tuned" means for smstools3 (its defaults in brackets): the modem polled fast
# [poll_faster = 5: about 23 SMS/s here; 1000: about 560], no idle sleep longer than a
# second [10], no checks of the spool files before sending [trust_outgoing = no], no
# priority or age scans over thousands of files, no network registration check before
# each SMS [check_network = 1], nothing read from the modem between sends, no break
# from sending for other tasks [max_continuous_sending = 300 s].
SMSD_CONF = """devices = GSM1
outgoing = {d}/outgoing
checked = {d}/checked
failed = {d}/failed
sent = {d}/sent
incoming = {d}/incoming
logfile = {d}/smsd.log
loglevel = 4
delaytime = 1
delaytime_mainprocess = 1
trust_outgoing = yes
ignore_outgoing_priority = yes
spool_directory_order = yes

[GSM1]
device = {tty}
baudrate = 115200
incoming = no
report = no
check_network = 0
check_memory_method = 0
detect_unexpected_input = no
max_continuous_sending = 3600
poll_faster = 1000
"""


def smstools(binary, sim, work, n):
    """Spools `n` message files, then runs smsd in the foreground until they are out."""
    d = tempfile.mkdtemp(dir=work, prefix="smsd-")
    for sub in ("outgoing", "checked", "failed", "sent", "incoming", "staging"):
        os.mkdir(os.path.join(d, sub))
    conf = os.path.join(d, "smsd.conf")
    with open(conf, "w") as f:
        f.write(SMSD_CONF.format(d=d, tty=sim.tty))
    for i, text in enumerate(texts(n)):
        staged = os.path.join(d, "staging", f"m{i:05d}")
        with open(staged, "w") as f:
            f.write(f"To: {PHONE.lstrip('+')}\n\n{text}\n")
        os.rename(staged, os.path.join(d, "outgoing", f"m{i:05d}"))
    smsd = sp.Popen(["smsd", "-t", "-c", conf, "-p", f"{d}/smsd.pid", "-i", f"{d}/smsd.working"],
                    stdout=sp.DEVNULL, stderr=sp.DEVNULL)
    try:
        box = sim.wait_for(n, 900, lambda: smsd.poll() is None)
    finally:
        stop(smsd)
    failed = os.listdir(os.path.join(d, "failed"))
    if failed:
        sys.exit(f"pty-bench: smsd failed {len(failed)} messages (log: {d}/smsd.log)")
    return box


def rate(name, box, n):
    """SMS/s by the simulator's clock; exits unless each text arrived exactly once."""
    got = sorted(m["text"] for m in box)
    if got != sorted(texts(n)):
        missing = len(set(texts(n)) - set(got))
        sys.exit(f"pty-bench: {name}: {len(got)} SMS arrived for {n} sent ({missing} missing, "
                 f"{len(got) - len(set(got))} repeated)")
    times = sorted(m["received_after_ms"] for m in box)
    return (n - 1) * 1000.0 / max(1, times[-1] - times[0])


PATHS = (("trivial client", trivial), ("native client", native), ("plutanium run", plutanium),
         ("smstools3", smstools))


def main():
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--bin", default="target/release/plutanium")
    args.add_argument("-n", type=int, default=2000, help="SMS per path and run")
    args.add_argument("--runs", type=int, default=3, help="runs of each path (median shown)")
    args.add_argument("--direct", action="store_true",
                      help="the simulator's own pty instead of socat's")
    args.add_argument("--skip", action="append", default=[], metavar="PATH",
                      choices=[name.split()[0] for name, _ in PATHS if name != "plutanium run"],
                      help="leave a path out (trivial, native, smstools3); repeatable")
    args.add_argument("--smoke", action="store_true",
                      help="20 SMS, one run: only checks that every path delivers")
    args = args.parse_args()
    if args.smoke:
        args.n, args.runs = 20, 1
    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        sys.exit(f"pty-bench: no plutanium binary at {binary} (cargo build --release -p plutanium)")
    paths = [(name, send) for name, send in PATHS if name.split()[0] not in args.skip]
    names = [name for name, _ in paths]
    needs = [("socat", "socat")] + [("smsd", "smstools")] * ("smstools3" in names)
    needs += [("rustc", "the Rust toolchain (rust-toolchain.toml)")] * ("native client" in names)
    for tool, package in needs:
        if not shutil.which(tool):
            sys.exit(f"pty-bench: `{tool}` is missing: install {package}")
    print(f"{args.n} single-part SMS per run, {args.runs} runs per path, "
          f"{'the simulator' if args.direct else 'socat'}'s pty")
    figures = {}
    with tempfile.TemporaryDirectory(prefix="plutanium-pty-bench-") as work:
        if "native client" in names:
            source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pty-client.rs")
            built = sp.run(["rustc", "-O", "--edition", "2021", source, "-o",
                            os.path.join(work, "pty-client")], capture_output=True, text=True)
            if built.returncode != 0:
                sys.exit(f"pty-bench: rustc could not build {source}: {built.stderr.strip()}")
        for run in range(args.runs):
            for name, send in paths:
                sim = Sim(binary, work, f"{name.split()[0]}-{run}", args.direct)
                try:
                    box = send(binary, sim, work, args.n)
                finally:
                    sim.close()
                figure = rate(name, box, args.n)
                figures.setdefault(name, []).append(figure)
                print(f"run {run + 1}: {name:15} {figure:8.0f} SMS/s, each SMS once", flush=True)
    if args.smoke:
        print("pty-bench: every path delivered each SMS once")
        return
    median = {name: statistics.median(runs) for name, runs in figures.items()}
    ceilings = [name for name in ("trivial client", "native client") if name in median]
    print("\n| path | SMS/s (median) | " + " | ".join(f"of the {c}" for c in ceilings) + " |")
    print("|---|---|" + "---|" * len(ceilings))
    for name in names:
        shares = " | ".join(f"{100 * median[name] / median[c]:.0f} %" for c in ceilings)
        print(f"| {name} | {median[name]:,.0f} | {shares} |")
    # The same ratio run by run (each against the ceiling measured just before it), so a
    # ceiling that moves between runs shows as spread instead of moving the median.
    for c in ceilings:
        pairs = [p / t for p, t in zip(figures["plutanium run"], figures[c])]
        print(f"plutanium run / {c}, run by run: "
              + ", ".join(f"{100 * r:.0f} %" for r in pairs)
              + f" (median {100 * statistics.median(pairs):.0f} %)")
    if "smstools3" in median:
        print(f"plutanium run / smstools3: {median['plutanium run'] / median['smstools3']:.2f}")


if __name__ == "__main__":
    main()
