#!/usr/bin/env python3
"""Real peers against the simulator: gammu through a pty, and ser2net in RFC 2217
and raw mode in front of a pty, with our own driver on the other side.

For each quirk profile it starts `plutanium sim` with one modem on a loopback TCP
port, bridges it to a pty with socat (as a user would bridge a remote modem), and
runs gammu against it:

  gammu identify                      -> the simulated identity shows up
  gammu sendsms TEXT +N -text ...      -> the control API shows the phone got it
  gammu sendsms ... -unicode -len 200  -> a multipart UCS-2 SMS arrives whole
  POST /sms to the modem, gammu getallsms -> gammu reads the injected SMS

Then gammu straight on `plutanium sim --pty` (no socat), and for ser2net: `plutanium sim` -> socat pty -> ser2net (telnet(rfc2217) and
raw tcp accepters) -> `plutanium modem probe|send rfc2217://...` and `tcp://...`.

Needs gammu, socat and ser2net (Debian packages); .ci/run installs them.
Usage: scripts/peers.py [--bin target/debug/plutanium]
Prints one line per check and ends with `peers: N passed, M failed`.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

MODEM_NUMBER = "+420777000001"
PHONE = "+420999000111"


def http(control, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        f"http://{control}{path}", data=data, method=method,
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        text = resp.read().decode()
        return json.loads(text) if text else None


def gammu(rc, *args, timeout=90):
    return subprocess.run(["gammu", "-c", rc, *args], capture_output=True, text=True,
                          timeout=timeout)


def run_profile(binary, profile, workdir, results):
    def check(name, ok, detail=""):
        results.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} [{profile}] {name}" + (f": {detail}" if not ok else ""))

    sim = subprocess.Popen(
        [binary, "sim", "--profile", profile,
         "--modem", f"gsm0={MODEM_NUMBER}@tcp://127.0.0.1:0", "--control", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    socat = None
    try:
        ready = json.loads(sim.stdout.readline())
        control = ready["control"]
        tcp = ready["modems"][0]["tcp"]
        tty = os.path.join(workdir, f"tty-{profile}")
        socat = subprocess.Popen(
            ["socat", f"PTY,link={tty},raw,echo=0", f"TCP:{tcp}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(50):
            if os.path.exists(tty):
                break
            time.sleep(0.1)
        rc = os.path.join(workdir, f"gammurc-{profile}")
        with open(rc, "w") as f:
            f.write(f"[gammu]\ndevice = {tty}\nconnection = at\n")

        out = gammu(rc, "identify")
        check("gammu identify", out.returncode == 0 and "IMEI" in out.stdout
              and "230010777000001" in out.stdout, out.stdout + out.stderr)

        out = gammu(rc, "sendsms", "TEXT", PHONE, "-text", f"Hello from gammu ({profile})")
        inbox = http(control, "GET", f"/phones/{PHONE}/inbox")
        check("gammu sendsms arrives at the phone",
              out.returncode == 0 and any(m["text"] == f"Hello from gammu ({profile})" for m in inbox),
              f"{out.stdout}{out.stderr} inbox={inbox}")

        long_text = ("Příliš žluťoučký kůň úpěl ďábelské ódy. " * 4).strip()
        out = gammu(rc, "sendsms", "TEXT", PHONE, "-unicode", "-len", str(len(long_text)),
                    "-text", long_text)
        inbox = http(control, "GET", f"/phones/{PHONE}/inbox")
        check("gammu multipart unicode arrives whole",
              out.returncode == 0 and any(m["text"] == long_text and m["parts"] > 1 for m in inbox),
              f"{out.stdout}{out.stderr} inbox={inbox}")

        injected = f"Injected for gammu ({profile}) €"
        http(control, "POST", "/sms", {"from": "+420111222333", "to": MODEM_NUMBER, "text": injected})
        out = gammu(rc, "getallsms")
        check("gammu getallsms reads the injected SMS",
              out.returncode == 0 and injected in out.stdout and "+420111222333" in out.stdout,
              out.stdout + out.stderr)
    except Exception as e:  # noqa: BLE001 - report any harness failure as a failed check
        check("harness", False, repr(e))
    finally:
        for p in (socat, sim):
            if p is not None:
                p.terminate()
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()


def run_pty(binary, workdir, results):
    """gammu straight on `plutanium sim --pty`, no socat in between."""
    tty = os.path.join(workdir, "tty-direct")
    sim = subprocess.Popen(
        [binary, "sim", "--modem", f"gsm0={MODEM_NUMBER}", "--pty", tty, "--control", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        json.loads(sim.stdout.readline())
        rc = os.path.join(workdir, "gammurc-pty")
        with open(rc, "w") as f:
            f.write(f"[gammu]\ndevice = {tty}\nconnection = at\n")
        out = gammu(rc, "identify")
        ok = out.returncode == 0 and "350420777000001" in out.stdout
        results.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} [pty] gammu identify on plutanium sim --pty"
              + ("" if ok else f": {out.stdout}{out.stderr}"))
    except Exception as e:  # noqa: BLE001
        results.append(False)
        print(f"FAIL [pty] harness: {e!r}")
    finally:
        sim.terminate()
        sim.wait(timeout=5)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_ser2net(binary, workdir, results):
    def check(name, ok, detail=""):
        results.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} [ser2net] {name}" + (f": {detail}" if not ok else ""))

    procs = []
    try:
        sim = subprocess.Popen(
            [binary, "sim", "--modem", f"gsm0={MODEM_NUMBER}@tcp://127.0.0.1:0",
             "--control", "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        procs.append(sim)
        ready = json.loads(sim.stdout.readline())
        control, tcp = ready["control"], ready["modems"][0]["tcp"]
        tty = os.path.join(workdir, "tty-ser2net")
        procs.append(subprocess.Popen(["socat", f"PTY,link={tty},raw,echo=0", f"TCP:{tcp}"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for _ in range(50):
            if os.path.exists(tty):
                break
            time.sleep(0.1)
        telnet_port, raw_port = free_port(), free_port()
        config = os.path.join(workdir, "ser2net.yaml")
        with open(config, "w") as f:
            f.write(f"""connection: &rfc2217
  accepter: telnet(rfc2217),tcp,127.0.0.1,{telnet_port}
  connector: serialdev,{tty},115200n81,local
connection: &raw
  accepter: tcp,127.0.0.1,{raw_port}
  connector: serialdev,{tty},115200n81,local
""")
        procs.append(subprocess.Popen(
            ["ser2net", "-n", "-c", config, "-P", os.path.join(workdir, "ser2net.pid")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(1.0)
        for mode, url in (("rfc2217", f"rfc2217://127.0.0.1:{telnet_port}"),
                          ("raw", f"tcp://127.0.0.1:{raw_port}")):
            out = subprocess.run([binary, "modem", "probe", url, "--ready-timeout", "20"],
                                 capture_output=True, text=True, timeout=60)
            ok = out.returncode == 0 and json.loads(out.stdout or "{}").get("imei") == "350420777000001"
            check(f"plutanium modem probe {mode}", ok, out.stdout + out.stderr)
            text = f"Through ser2net {mode} \u00ff\u20ac"
            out = subprocess.run([binary, "modem", "send", url, "--to", PHONE, text],
                                 capture_output=True, text=True, timeout=60)
            inbox = http(control, "GET", f"/phones/{PHONE}/inbox")
            check(f"plutanium modem send {mode}",
                  out.returncode == 0 and any(m["text"] == text for m in inbox),
                  f"{out.stdout}{out.stderr} inbox={inbox}")
    except Exception as e:  # noqa: BLE001 - report any harness failure as a failed check
        check("harness", False, repr(e))
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default="target/debug/plutanium")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    if not os.path.exists(binary):
        sys.exit(f"peers: no binary at {binary}; run cargo build -p plutanium")
    results = []
    with tempfile.TemporaryDirectory() as workdir:
        for profile in ("generic", "huawei", "simcom", "quectel", "wavecom"):
            run_profile(binary, profile, workdir, results)
        run_pty(binary, workdir, results)
        run_ser2net(binary, workdir, results)
    failed = results.count(False)
    print(f"peers: {len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
