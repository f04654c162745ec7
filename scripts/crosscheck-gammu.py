#!/usr/bin/python3
"""Cross-check the plutanium SMS codec against python-gammu (an independent implementation).

Run by .ci/run after the tests. python-gammu is Debian's python3-gammu, which
lives in the system interpreter (/usr/bin/python3), not in a pyenv/venv python:

    apt-get update && apt-get install -y python3-gammu
    cargo build -p plutanium
    /usr/bin/python3 scripts/crosscheck-gammu.py [--bin target/debug/plutanium]

A few hundred texts are generated deterministically (seeded random): pure GSM 7-bit,
GSM 7-bit with extension-table characters, exact part-boundary lengths with escapes
and surrogate pairs straddling the boundaries, UCS-2 (Czech, Cyrillic, CJK), emoji
(non-BMP) and mixtures, up to about five parts.

Direction "ours->gammu": `plutanium pdu encode` (auto, --encoding ucs2/gsm7, --report,
--flash, --validity, --smsc, --ref/--ref16, international/national/short numbers);
every part is decoded with gammu.DecodePDU, re-encoded with gammu.EncodePDU and
compared byte for byte with ours, the parts are shuffled and put together with
gammu.LinkSMS + gammu.DecodeSMS; text, number, SMSC, coding, class, validity,
report flag, part count, the split points (against gammu.EncodeSMS) and the
concatenation reference are compared with what was asked for. `plutanium gsm7
count` is checked against the encoder and against an independent count.

Direction "gammu->ours": gammu.EncodeSMS (8-bit or 16-bit concatenation reference,
GSM or Unicode, a class) + gammu.EncodePDU as SMS-SUBMIT (with message reference,
validity, status report request) or SMS-DELIVER (with SMSC and time stamp, numeric
or alphanumeric originator), decoded with `plutanium pdu decode` (every part) and
`plutanium pdu join` (parts shuffled; and with one part left out, which must fail
naming that part).

Expectations come from the test case (what was asked for) and from 3GPP
TS 23.038 / 23.040, never from gammu's known bugs: those are listed in
KNOWN_ORACLE_BUGS below and are normalised away on gammu's side only.

Prints per-direction counts and a last line `crosscheck-gammu: N passed, M failed`;
exits 1 if anything failed.
"""

# KNOWN_ORACLE_BUGS (python-gammu 3.2.4 on libgammu 1.42.0, Debian bookworm)
#
#  1. DecodePDU, GSM 7-bit with escapes: SMS->Length is the septet count, but the
#     Text handed to Python is that many *characters*, so every ESC pair leaves
#     one NUL plus uninitialised garbage (e.g. '\x00\x00膀둜…') after the real
#     text. Workaround: cut gammu's Text at the first NUL (no generated text
#     contains U+0000; GSM '@' (0x00) decodes to '@', not NUL).
#  2. DecodePDU keeps no TP-SRR (status report request) for SMS-SUBMIT: 'Type'
#     stays 'Submit'. Workaround: check the flag by re-encoding gammu's decoded
#     dict with EncodePDU, whose Type 'Status_Report' means "SMS-SUBMIT with
#     TP-SRR" (gsmsms.c), and comparing bytes with ours.
#  3. EncodePDU always sets TP-VPF = relative and writes a TP-VP octet (0x00 if
#     the SMSC Validity is 'NA'), even for a SUBMIT that should have no
#     validity. Workaround: the byte comparison leaves TP-VPF/TP-VP out of both
#     TPDUs; ours are checked on their own (VPF 00 and no VP unless --validity,
#     else VPF 10 and the TS 23.040 9.2.3.12.1 octet).
#  4. EncodePDU writes an empty SMSC as "01 81" (length 1, type 0x81, no digits)
#     instead of "00". Workaround: without --smsc only the TPDUs are compared
#     (ours must start "00"); in gammu->ours smsc null or "" are both accepted.
#  5. EncodePDU writes TP-SCTS time zone 00 always ("FIXME" in
#     GSM_EncodeSMSDateTime), and python-gammu 3.2.4 drops the TZ when
#     converting to datetime. Workaround: expect +00:00 from gammu-made
#     DELIVERs; time zones are not covered by this script.
#  6. DecodePDU century: years >= 90 come out as 208x ("99" -> 2089, "90" ->
#     2080). EncodePDU writes year % 100. Workaround: gammu-made time stamps
#     use years 2000..2089 only (ours decodes 00..99 as 2000..2099).
#  7. EncodeSMS takes the concatenation reference from the clock. Workaround:
#     overwrite the reference in UDH.Text (+ ID8bit/ID16bit) with a seeded one
#     before EncodePDU (EncodePDU copies UDH.Text verbatim).
#  8. EncodePDU with Layout 'Deliver' still takes TP-MTI from the dict's Type
#     (EncodeSMS returns Type 'Submit'), giving MTI=01 with a DELIVER layout.
#     Workaround: set Type 'Deliver' as well.
#  9. DecodeSMS returns None for a single part without UDH, and its 'Class' is
#     always -1 and 'Unicode' 0 even for UCS-2 parts. Workaround: single parts
#     are compared from DecodePDU's Text; class and coding are compared per part.
# 10. EncodePDU packs alphanumeric addresses as ASCII, not the GSM default
#     alphabet ('@' goes out as 0x40 = '¡'), and packs '*' / '#' in numeric
#     addresses as garbage, and packs a one-character alphanumeric address
#     ("P") as a semi-octet number ("0"). Workaround: alphanumeric senders are
#     2..11 characters of [A-Za-z0-9] (same codes in ASCII and GSM); numbers
#     use digits (and a leading '+') only.
# 11. gammu knows no national language shift tables (TS 23.038 6.2.1.2.4):
#     --national is not cross-checked here (see check-national-tables.py).
# 12. python-gammu turns a Validity of more than 30 days into TP-VP 166 + weeks
#     instead of 192 + weeks (TS 23.040 9.2.3.12.1), so its own "5W" (which it
#     prints for TP-VP 197) is written back as 171 = 5 days. Workaround: TP-VP
#     is compared on its own, not through gammu's re-encode; for gammu-made
#     SUBMITs a string that really makes EncodePDU write the wanted octet is
#     looked up at start-up ("217D" for 197, i.e. 31 "weeks" + 166).
# 13. UCS-2 '~' (U+007E) is a "Nokia special character" to gammu
#     (EncodeUnicodeSpecialNOKIAChars/Decode…): EncodePDU sends '~' as U+0001
#     and DecodePDU turns U+007E + next character into garbage ("a~b" -> "a~~").
#     Workaround: ours->gammu skips gammu's text/byte/link comparison for UCS-2
#     messages containing '~' (number, coding, class, UDH still compared);
#     gammu->ours replaces '~' by '-' before encoding UCS-2 with gammu.
# 14. EncodePDU rewrites a number starting "00" to international ("00420…"
#     becomes TON international "+420…", even a short code "00224"); ours keeps
#     the digits as given with TON unknown (TS 23.040 9.1.2.5). Workaround:
#     national and short numbers never start "00" except in the ours->gammu
#     variant "national00", where DecodePDU's number is compared and the TP-DA
#     octets are left out of the byte comparison.
#
# Normalised although not bugs (TS 23.038/23.040 allow both):
#  - GSM 7-bit with a message class: gammu re-encodes DCS 0xF0|class (data
#    coding/message class group), ours writes 0x10|class (general data coding).
#  - The spare bits after the last septet: gammu zero-fills; ours puts <CR>
#    there when 7 bits are spare (TS 23.038 6.1.2.3.1). TP-UDL counts septets,
#    so those bits are not part of the message.
#  - gammu.EncodeSMS keeps a flag (two regional indicator symbols,
#    U+1F1E6..U+1F1FF) in one part, ending the part early; ours splits greedily
#    and only keeps each surrogate pair whole (all TS 23.040 asks). The split is
#    not compared with gammu's for texts with such a pair (it is still compared
#    with the greedy expectation, and the joined text with gammu's).

import argparse
import concurrent.futures
import datetime
import json
import os
import random
import re
import subprocess
import sys

try:
    import gammu
except ImportError:
    sys.exit(
        "python-gammu is missing: apt-get install -y python3-gammu, and run this "
        "script with /usr/bin/python3 (see the docstring)"
    )

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BIN = os.path.join(REPO_ROOT, "target", "debug", "plutanium")

# ---------------------------------------------------------------- TS 23.038 ----

# GSM 7-bit default alphabet, 0x00..0x7F (0x1B, the escape, left out).
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ" "ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
assert len(GSM_BASIC) == 127
# Default extension table (each costs ESC + 1 septet).
GSM_EXT = "\f^{}\\[~]|€"
GSM_SET = set(GSM_BASIC) | set(GSM_EXT)

CZECH = "Příliš žluťoučký kůň úpěl ďábelské ódy. Řeřicha, šťovík, ČĎŇŤŮ ěščřžýáíé"
CYRILLIC = "Съешь же ещё этих мягких французских булок, да выпей же чаю. ЁЖЗИЙ ъыьэюя"
CJK = "我能吞下玻璃而不伤身体。私はガラスを食べられます。それは私を傷つけません。나는 유리를 먹을 수 있어요"
EMOJI = ["😀", "🎉", "👍", "🏽", "🚀", "🇨", "🇿", "💩", "🤖", "𝄞", "𠜎", "🙂"]
LATIN = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,!?"

# Relative validity periods (minutes) that TP-VP (TS 23.040 9.2.3.12.1) represents exactly.
VALIDITIES = [5, 10, 60, 715, 720, 750, 1440, 2880, 10080, 43200, 50400, 302400, 635040]


def vp_minutes(vp):
    if vp <= 143:
        return (vp + 1) * 5
    if vp <= 167:
        return 720 + (vp - 143) * 30
    if vp <= 196:
        return (vp - 166) * 1440
    return (vp - 192) * 10080


MINUTES_TO_VP = {}
for _vp in range(256):
    MINUTES_TO_VP.setdefault(vp_minutes(_vp), _vp)


RI_PAIR = re.compile("[\U0001F1E6-\U0001F1FF]{2}")


def is_gsm(text):
    return all(c in GSM_SET for c in text)


def units(text, gsm):
    """Septets (GSM, ESC pairs count 2) or UTF-16 code units (UCS-2), per character."""
    if gsm:
        return [2 if c in GSM_EXT else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def expected_split(text, gsm, ref16):
    """Greedy split that never breaks an ESC pair or a surrogate pair (TS 23.040 9.2.3.24.1)."""
    u = units(text, gsm)
    single = 160 if gsm else 70
    if sum(u) <= single:
        return [text]
    per = (153 if gsm else 67) - (1 if ref16 else 0)
    parts, cur, n = [], "", 0
    for c, k in zip(text, u):
        if n + k > per:
            parts.append(cur)
            cur, n = "", 0
        cur += c
        n += k
    parts.append(cur)
    return parts


# ------------------------------------------------------------------ texts ----


def gen_texts(rng):
    """[(category, text)], deterministic for a given rng."""
    out = []

    def gsm_basic(n, rich):
        pool = GSM_BASIC if rich else LATIN
        return "".join(rng.choice(pool) for _ in range(n))

    for _ in range(45):
        out.append(("gsm-basic", gsm_basic(rng.choice([1, 2, 7, 8, 9, 40, 100, 159, 200, 320, 480, 700]) + rng.randrange(5), rng.random() < 0.6)))
    for _ in range(45):
        n = rng.randrange(1, 600)
        density = rng.choice([0.05, 0.2, 0.5, 1.0])
        out.append(("gsm-ext", "".join(rng.choice(GSM_EXT) if rng.random() < density else rng.choice(GSM_BASIC) for _ in range(n))))

    # Exact boundary lengths, escapes on the boundaries.
    a = lambda n: "a" * n  # noqa: E731
    for n in (70, 71, 152, 153, 154, 159, 160, 161, 305, 306, 307, 459, 460, 612, 765):
        out.append(("boundary-gsm", a(n)))
    # <CR> and '@' (septet 0x00) at the end, with 7 spare bits or none (TS 23.038 6.1.2.3.1).
    for n in (1, 7, 8, 15, 16, 152, 153, 159, 160, 161):
        out.append(("boundary-gsm", a(n - 1) + "\r"))
        out.append(("boundary-gsm", a(n - 1) + "@"))
    out += [("boundary-gsm", ""), ("boundary-gsm", "@" * 7), ("boundary-gsm", "\r" * 8), ("boundary-gsm", "@" * 160)]
    for ext in ("€", "{", "\\", "\f", "~"):
        out += [
            ("boundary-gsm", a(159) + ext),  # 161 septets -> 2 parts
            ("boundary-gsm", a(158) + ext),  # 160 septets -> 1 part
            ("boundary-gsm", a(152) + ext + a(10)),  # ESC pair would straddle 153
            ("boundary-gsm", a(151) + ext + a(10)),  # ESC pair ends exactly at 153
            ("boundary-gsm", a(153) + ext + a(152) + ext),
            ("boundary-gsm", a(305) + ext + a(5)),  # ESC on the 2nd boundary (306)
            ("boundary-gsm", ext * 80),
            ("boundary-gsm", ext * 81),
            ("boundary-gsm", ext * 153),
        ]
    for ch in ("x", "ř", "Ж", "我"):
        for n in (69, 70, 71, 133, 134, 135, 201, 202, 335):
            s = ch * n
            out.append(("boundary-ucs2", s if ch != "x" else "ř" + s[1:]))
    for e in ("😀", "𝄞"):
        out += [
            ("boundary-emoji", "ř" * 68 + e),  # 70 units -> 1 part
            ("boundary-emoji", "ř" * 69 + e),  # 71 units -> pair must not be split at 67
            ("boundary-emoji", "ř" * 66 + e + "ř" * 10),  # pair straddles 67
            ("boundary-emoji", "ř" * 65 + e + "ř" * 10),  # pair ends at 67; straddles 66 (16-bit ref)
            ("boundary-emoji", "ř" * 67 + e + "ř" * 66 + e),
            ("boundary-emoji", "x" * 133 + e + "x" * 40),  # straddles 134
            ("boundary-emoji", e * 35),
            ("boundary-emoji", e * 36),
            ("boundary-emoji", e * 100),
        ]

    def words(src, n):
        s = ""
        while len(s) < n:
            i = rng.randrange(len(src))
            s += src[i : i + rng.randrange(1, 12)]
        return s[:n]

    for src in (CZECH, CYRILLIC, CJK):
        for _ in range(20):
            out.append(("ucs2", words(src, rng.choice([1, 5, 30, 69, 70, 71, 120, 200, 300, 330]))))
    for _ in range(40):
        n = rng.randrange(1, 160)
        s = "".join(rng.choice(EMOJI) if rng.random() < 0.3 else rng.choice(LATIN + CZECH) for _ in range(n))
        out.append(("emoji", s))
    for _ in range(40):
        base = gsm_basic(rng.randrange(1, 400), True)
        pos = rng.randrange(len(base) + 1)
        extra = rng.choice([rng.choice(CZECH), rng.choice(CYRILLIC), rng.choice(CJK), rng.choice(EMOJI), "ç", "`", "\u00a0", "’", "…"])
        out.append(("mixed", base[:pos] + extra + base[pos:]))
    return out


def gen_number(rng, kind):
    if kind == "international":
        cc = rng.choice(["420", "1", "44", "49", "358", "86", "7"])
        return "+" + cc + "".join(rng.choice("0123456789") for _ in range(rng.randrange(6, 13 - len(cc) + 3)))
    if kind == "national":  # not "00…": KNOWN_ORACLE_BUGS 14
        return "0" + rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(rng.randrange(6, 10)))
    if kind == "national00":  # international access prefix, TON unknown
        return "00" + rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(rng.randrange(6, 11)))
    if kind == "short":
        return rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(rng.randrange(2, 6)))
    if kind == "alpha":  # KNOWN_ORACLE_BUGS 10
        first = rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return first + "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(rng.randrange(1, 11)))
    raise ValueError(kind)


# ------------------------------------------------------------- helpers ----


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace")
    return p.returncode, p.stdout, p.stderr


def run_all(cmds, jobs):
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        return list(ex.map(run, cmds))


def gammu_text(t):
    """KNOWN_ORACLE_BUGS 1: cut DecodePDU's Text at the first NUL."""
    i = t.find("\x00")
    return t if i < 0 else t[:i]


def split_smsc(pdu):
    n = pdu[0]
    return pdu[: 1 + n], pdu[1 + n :]


def parse_submit(tpdu):
    """Fields of an SMS-SUBMIT TPDU (TS 23.040 9.2.2.2), VP kept raw."""
    fo = tpdu[0]
    pos = 2  # FO, MR
    da_end = pos + 2 + (tpdu[pos] + 1) // 2
    f = {"fo": fo, "mr": tpdu[1], "da": tpdu[pos:da_end], "pid": tpdu[da_end], "dcs": tpdu[da_end + 1]}
    pos = da_end + 2
    vplen = {0: 0, 1: 7, 2: 1, 3: 7}[(fo >> 3) & 3]
    f["vp"] = tpdu[pos : pos + vplen]
    pos += vplen
    f["udl"] = tpdu[pos]
    f["ud"] = tpdu[pos + 1 :]
    return f


def canonical_submit(tpdu, gsm):
    """SUBMIT fields with the differences that TS 23.038/23.040 leave free removed:
    TP-VPF/TP-VP (compared separately), the 0xF0 vs 0x10 DCS groups for a GSM 7-bit
    class, and the value of the spare bits after the last septet (gammu zero-fills,
    TS 23.038 6.1.2.3.1 suggests <CR>; UDL counts septets, so neither is content)."""
    f = parse_submit(tpdu)
    f["fo"] &= ~0x18
    del f["vp"]
    dcs = f["dcs"]
    if dcs & 0xF4 == 0xF0:  # data coding/message class group, GSM 7-bit
        f["dcs"] = 0x10 | (dcs & 3)
    ud = bytearray(f["ud"])
    if gsm and ud:
        spare = (-f["udl"] * 7) % 8
        ud[-1] &= 0xFF >> spare
    f["ud"] = bytes(ud)
    return f


def short(s, n=60):
    r = repr(s)
    return r if len(r) <= n else r[: n - 3] + "..." + "(len %d)" % len(s)


class Case:
    def __init__(self, direction, cid, category, text, desc):
        self.direction, self.cid, self.category, self.text, self.desc = direction, cid, category, text, desc
        self.errors = []
        self.partial = False  # some gammu comparisons skipped (KNOWN_ORACLE_BUGS 13)

    def check(self, what, got, want):
        if got != want:
            self.errors.append("%s: got %r, want %r" % (what, got, want))

    def fail(self, msg):
        self.errors.append(msg)


# ---------------------------------------------------- VP table from gammu ----


def gammu_validity_tables():
    """(VP -> python-gammu's Validity string when decoding that octet,
        VP -> a Validity string that makes EncodePDU write that octet)."""
    decoded, writer = {}, {}
    for vp in range(256):
        d = gammu.DecodePDU(bytes.fromhex("001100038121F30000%02X0161" % vp), True)
        decoded[vp] = d["SMSC"]["Validity"]
        for cand in (decoded[vp], "%dD" % ((vp - 166) * 7)):  # KNOWN_ORACLE_BUGS 12
            d["SMSC"]["Validity"] = cand
            try:
                written = parse_submit(split_smsc(gammu.EncodePDU(d))[1])["vp"]
            except (ValueError, gammu.GSMError):
                continue
            if written == bytes([vp]):
                writer[vp] = cand
                break
    return decoded, writer


# -------------------------------------------------------- ours -> gammu ----

VARIANTS = ["ucs2", "gsm7", "report-smsc", "flash", "validity", "national", "national00", "short", "ref", "ref16", "combo"]


def plan_ours(rng, texts):
    cases = []
    for category, text in texts:
        variants = ["default"] + rng.sample(VARIANTS, 2)
        for v in variants:
            gsm = is_gsm(text)
            if v == "gsm7" and not gsm:
                v = "ucs2"
            spec = {
                "variant": v,
                "to": gen_number(rng, "international"),
                "smsc": None,
                "encoding": None,
                "report": False,
                "flash": False,
                "validity": None,
                "ref": None,
                "ref16": False,
            }
            if v == "ucs2":
                spec["encoding"] = "ucs2"
            elif v == "gsm7":
                spec["encoding"] = "gsm7"
            elif v == "report-smsc":
                spec["report"] = True
                spec["smsc"] = gen_number(rng, "international")
            elif v == "flash":
                spec["flash"] = True
            elif v == "validity":
                spec["validity"] = rng.choice(VALIDITIES)
            elif v == "national":
                spec["to"] = gen_number(rng, "national")
            elif v == "national00":
                spec["to"] = gen_number(rng, "national00")
            elif v == "short":
                spec["to"] = gen_number(rng, "short")
            elif v == "ref":
                spec["ref"] = rng.randrange(256)
            elif v == "ref16":
                spec["ref16"] = True
                spec["ref"] = rng.randrange(65536)
            elif v == "combo":
                spec.update(
                    encoding="ucs2", report=True, flash=True, validity=rng.choice(VALIDITIES),
                    ref16=True, ref=rng.randrange(65536), smsc=gen_number(rng, "international"),
                    to=gen_number(rng, rng.choice(["national", "international"])),
                )
            cases.append((category, text, spec))
    return cases


def encode_cmd(binary, text, spec):
    cmd = [binary, "pdu", "encode", "--to", spec["to"]]
    if spec["smsc"]:
        cmd += ["--smsc", spec["smsc"]]
    if spec["encoding"]:
        cmd += ["--encoding", spec["encoding"]]
    if spec["ref"] is not None:
        cmd += ["--ref", str(spec["ref"])]
    if spec["ref16"]:
        cmd += ["--ref16"]
    if spec["report"]:
        cmd += ["--report"]
    if spec["flash"]:
        cmd += ["--flash"]
    if spec["validity"] is not None:
        cmd += ["--validity", str(spec["validity"])]
    return cmd + ["--", text]


def check_ours(case, spec, result, count_result, vp_decoded, rng):
    rc, out, err = result
    text = case.text
    if rc != 0:
        case.fail("plutanium pdu encode exited %d: %s" % (rc, err.strip()))
        return
    try:
        parts = [json.loads(line) for line in out.splitlines() if line.strip()]
    except ValueError as e:
        case.fail("encode output is not JSON lines: %s" % e)
        return

    want_gsm = spec["encoding"] != "ucs2" and is_gsm(text)
    # KNOWN_ORACLE_BUGS 13: gammu mangles '~' in UCS-2, so its text is no evidence then.
    tilde = not want_gsm and "~" in text
    case.partial = tilde
    want_coding = "Default_No_Compression" if want_gsm else "Unicode_No_Compression"
    want_split = expected_split(text, want_gsm, spec["ref16"])
    n = len(want_split)
    case.check("part count", len(parts), n)

    # The split against gammu's own splitter (an independent implementation).
    entry = "ConcatenatedTextLong16bit" if spec["ref16"] else "ConcatenatedTextLong"
    if RI_PAIR.search(text):  # see "Normalised although not bugs"
        gparts = None
    else:
        try:
            gparts = gammu.EncodeSMS({"Class": -1, "Unicode": not want_gsm, "Entries": [{"ID": entry, "Buffer": text}]})
            case.check("part count vs gammu.EncodeSMS", len(parts), len(gparts))
        except gammu.GSMError as e:
            gparts = None
            case.fail("gammu.EncodeSMS failed: %s" % e)

    decoded, refs = [], set()
    for i, p in enumerate(parts, 1):
        tag = "part %d/%d" % (i, len(parts))
        case.check(tag + " 'part'", p.get("part"), i)
        case.check(tag + " 'parts'", p.get("parts"), len(parts))
        try:
            raw = bytes.fromhex(p["pdu"])
        except (KeyError, ValueError):
            case.fail(tag + ": bad hex %r" % p.get("pdu"))
            return
        smsc_field, tpdu = split_smsc(raw)
        case.check(tag + " tpdu_len", p.get("tpdu_len"), len(tpdu))
        if not spec["smsc"]:
            case.check(tag + " SMSC field", smsc_field.hex(), "00")
        try:
            d = gammu.DecodePDU(raw, True)
        except gammu.GSMError as e:
            case.fail(tag + ": gammu.DecodePDU failed: %s (pdu %s)" % (e, p["pdu"]))
            return
        d["Text"] = gammu_text(d["Text"])
        decoded.append(d)
        case.check(tag + " type", d["Type"], "Submit")
        case.check(tag + " number", d["Number"], spec["to"])
        case.check(tag + " SMSC", d["SMSC"]["Number"], spec["smsc"] or "")
        case.check(tag + " coding", d["Coding"], want_coding)
        case.check(tag + " class", d["Class"], 0 if spec["flash"] else -1)
        if spec["validity"] is not None:
            case.check(tag + " validity", d["SMSC"]["Validity"], vp_decoded[MINUTES_TO_VP[spec["validity"]]])
        ours = parse_submit(tpdu)
        case.check(tag + " TP-VPF", (ours["fo"] >> 3) & 3, 0 if spec["validity"] is None else 2)
        case.check(tag + " TP-VP", ours["vp"].hex(), "" if spec["validity"] is None else "%02x" % MINUTES_TO_VP[spec["validity"]])
        case.check(tag + " TP-SRR", bool(ours["fo"] & 0x20), spec["report"])
        case.check(tag + " TP-MTI", ours["fo"] & 3, 1)
        if i <= n and not tilde:
            case.check(tag + " text", d["Text"], want_split[i - 1])
        if gparts is not None and i <= len(gparts) and not tilde:
            case.check(tag + " text vs gammu.EncodeSMS split", d["Text"], gparts[i - 1]["Text"])
        udh = d["UDH"]
        if len(parts) == 1:
            case.check(tag + " UDH type", udh["Type"], "NoUDH")
        else:
            case.check(tag + " UDH type", udh["Type"], "ConcatenatedMessages16bit" if spec["ref16"] else "ConcatenatedMessages")
            case.check(tag + " UDH part number", udh["PartNumber"], i)
            case.check(tag + " UDH all parts", udh["AllParts"], len(parts))
            ref = udh["ID16bit"] if spec["ref16"] else udh["ID8bit"]
            refs.add(ref)
            if spec["ref"] is not None:
                case.check(tag + " concat reference", ref, spec["ref"])

        # Byte-for-byte: gammu re-encodes what it decoded, with the report flag we asked for.
        if tilde:
            continue
        d2 = dict(d)
        d2["Type"] = "Status_Report" if spec["report"] else "Submit"  # KNOWN_ORACLE_BUGS 2
        try:
            again = gammu.EncodePDU(d2)
        except gammu.GSMError as e:
            case.fail(tag + ": gammu.EncodePDU failed: %s" % e)
            continue
        g_smsc, g_tpdu = split_smsc(again)
        if spec["smsc"]:  # KNOWN_ORACLE_BUGS 4: only compare the SMSC field when there is one
            case.check(tag + " SMSC field vs gammu re-encode", smsc_field.hex(), g_smsc.hex())
        mine, theirs = canonical_submit(tpdu, want_gsm), canonical_submit(g_tpdu, want_gsm)  # KNOWN_ORACLE_BUGS 3
        if spec["to"].startswith("00"):  # KNOWN_ORACLE_BUGS 14 (the number was checked above)
            del mine["da"], theirs["da"]
        for k in mine:
            a, b = mine[k], theirs.get(k)
            if isinstance(a, bytes):
                a, b = a.hex().upper(), b.hex().upper() if b is not None else None
            case.check(tag + " %s vs gammu re-encode (pdu %s)" % (k, p["pdu"]), a, b)

    if len(parts) > 1:
        case.check("one concat reference for all parts", len(refs), 1)

    if decoded and not tilde:
        if len(decoded) == 1:
            joined = decoded[0]["Text"]  # KNOWN_ORACLE_BUGS 9
        else:
            shuffled = [[d] for d in decoded]
            rng.shuffle(shuffled)
            try:
                linked = gammu.LinkSMS(shuffled, True)
            except gammu.GSMError as e:
                case.fail("gammu.LinkSMS failed: %s" % e)
                return
            case.check("gammu.LinkSMS groups", len(linked), 1)
            info = gammu.DecodeSMS(linked[0], True)
            if info is None:
                case.fail("gammu.DecodeSMS returned None")
                return
            joined = "".join(e["Buffer"] or "" for e in info["Entries"])
        case.check("joined text", joined, text)

    if count_result is not None:
        rc, out, err = count_result
        if rc != 0:
            case.fail("plutanium gsm7 count exited %d: %s" % (rc, err.strip()))
        else:
            c = json.loads(out)
            case.check("gsm7 count encoding", c.get("encoding"), "gsm7" if want_gsm else "ucs2")
            case.check("gsm7 count parts", c.get("parts"), n)
            case.check("gsm7 count units", c.get("units"), sum(units(text, want_gsm)))
            case.check("gsm7 count per_part", c.get("per_part"), (160 if want_gsm else 70) if n == 1 else (153 if want_gsm else 67))


# -------------------------------------------------------- gammu -> ours ----


def plan_gammu(rng, texts):
    plans = []
    for category, text in texts:
        for _ in range(2):
            gsm = is_gsm(text)
            layout = rng.choice(["Submit", "Deliver"])
            kinds = ["international", "national", "short"] + (["alpha"] if layout == "Deliver" else [])
            plans.append(
                (
                    category,
                    text,
                    {
                        "layout": layout,
                        "unicode": (not gsm) or rng.random() < 0.25,
                        "ref16": rng.random() < 0.3,
                        "ref": None,
                        "number": gen_number(rng, rng.choice(kinds)),
                        "smsc": rng.choice(["", gen_number(rng, "international")]),
                        "class": rng.choice([-1, -1, 0, 1, 2, 3]),
                        "srr": rng.random() < 0.5,
                        "mr": rng.randrange(256),
                        "vp": rng.choice([MINUTES_TO_VP[m] for m in VALIDITIES] + [rng.randrange(256)]),
                        "time": datetime.datetime(
                            rng.randrange(2000, 2090), rng.randrange(1, 13), rng.randrange(1, 29),
                            rng.randrange(24), rng.randrange(60), rng.randrange(60),
                        ),
                        "drop": rng.random() < 0.3,
                        "seed": rng.randrange(1 << 30),
                    },
                )
            )
    return plans


def gammu_encode(text, spec, vp_writer, rng):
    """[(part_text, hex)] from gammu; fixes the concat reference (KNOWN_ORACLE_BUGS 7)."""
    entry = "ConcatenatedTextLong16bit" if spec["ref16"] else "ConcatenatedTextLong"
    sms = gammu.EncodeSMS({"Class": spec["class"], "Unicode": spec["unicode"], "Entries": [{"ID": entry, "Buffer": text}]})
    n = len(sms)
    ref = rng.randrange(65536 if spec["ref16"] else 256)
    spec["ref"] = ref if n > 1 else None
    out = []
    for i, s in enumerate(sms, 1):
        if n > 1:
            if spec["ref16"]:
                s["UDH"]["Text"] = bytes([6, 8, 4, ref >> 8, ref & 0xFF, n, i])
                s["UDH"]["ID16bit"] = ref
            else:
                s["UDH"]["Text"] = bytes([5, 0, 3, ref, n, i])
                s["UDH"]["ID8bit"] = ref
        s["Number"] = spec["number"]
        s["SMSC"] = {"Location": 0, "Number": spec["smsc"], "Validity": vp_writer[spec["vp"]]}
        if spec["layout"] == "Deliver":
            s["Type"] = "Deliver"  # KNOWN_ORACLE_BUGS 8
            s["DateTime"] = spec["time"]
        else:
            s["Type"] = "Status_Report" if spec["srr"] else "Submit"  # "Submit with TP-SRR"
            s["MessageReference"] = spec["mr"]
        out.append((s["Text"], gammu.EncodePDU(s, spec["layout"]).hex().upper()))
    return out


def check_decoded(case, tag, spec, got, want_text, part, n):
    deliver = spec["layout"] == "Deliver"
    case.check(tag + " type", got.get("type"), "deliver" if deliver else "submit")
    if spec["smsc"]:
        case.check(tag + " smsc", got.get("smsc"), spec["smsc"])
    elif got.get("smsc") not in (None, ""):  # KNOWN_ORACLE_BUGS 4
        case.fail(tag + " smsc: got %r, want null or ''" % got.get("smsc"))
    case.check(tag + (" sender" if deliver else " recipient"), got.get("sender" if deliver else "recipient"), spec["number"])
    case.check(tag + " text", got.get("text"), want_text)
    case.check(tag + " encoding", got.get("encoding"), "ucs2" if spec["unicode"] else "gsm7")
    case.check(tag + " class", got.get("class"), None if spec["class"] < 0 else spec["class"])
    if part is None:
        want_concat = None if n == 1 else {"ref": spec["ref"], "parts": n}
    else:
        want_concat = None if n == 1 else {"ref": spec["ref"], "parts": n, "part": part}
    case.check(tag + " concat", got.get("concat"), want_concat)
    if deliver:
        case.check(tag + " timestamp", got.get("timestamp"), spec["time"].strftime("%Y-%m-%dT%H:%M:%S+00:00"))  # KNOWN_ORACLE_BUGS 5
    else:
        case.check(tag + " message_ref", got.get("message_ref"), spec["mr"])
        case.check(tag + " status_report_request", got.get("status_report_request"), spec["srr"])
        case.check(tag + " validity_minutes", got.get("validity_minutes"), vp_minutes(spec["vp"]))


def parse_json(case, tag, result):
    rc, out, err = result
    if rc != 0:
        case.fail("%s exited %d: %s" % (tag, rc, err.strip()))
        return None
    try:
        return json.loads(out)
    except ValueError:
        case.fail("%s printed no JSON: %r" % (tag, out[:200]))
        return None


# ------------------------------------------------------------------ main ----


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=DEFAULT_BIN, help="plutanium binary (default: target/debug/plutanium)")
    ap.add_argument("--seed", type=int, default=23038, help="random seed (default 23038)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel plutanium processes (default 2)")
    ap.add_argument("--show", type=int, default=25, help="failures to print in full (default 25)")
    args = ap.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit("%s is not executable: cargo build -p plutanium, or pass --bin" % args.bin)

    rng = random.Random(args.seed)
    texts = gen_texts(rng)
    vp_decoded, vp_writer = gammu_validity_tables()
    missing_vp = [m for m in VALIDITIES if MINUTES_TO_VP[m] not in vp_writer]
    if missing_vp:
        sys.exit("gammu cannot be made to write TP-VP for %r minutes" % missing_vp)
    cats = {}
    for c, _ in texts:
        cats[c] = cats.get(c, 0) + 1
    print("texts: %d (%s)" % (len(texts), ", ".join("%s %d" % kv for kv in sorted(cats.items()))))

    # ---- ours -> gammu
    plan = plan_ours(rng, texts)
    cmds = [encode_cmd(args.bin, text, spec) for _, text, spec in plan]
    count_cmds = [[args.bin, "gsm7", "count", "--", text] for _, text in texts]
    results = run_all(cmds + count_cmds, args.jobs)
    enc_results, count_results = results[: len(cmds)], results[len(cmds) :]
    count_by_text = {}
    for (_, text), r in zip(texts, count_results):
        count_by_text[text] = r
    ours_cases = []
    seen_count = set()
    for k, ((category, text, spec), res) in enumerate(zip(plan, enc_results)):
        desc = "plutanium " + " ".join(encode_cmd("", text, spec)[1:-1])
        case = Case("ours->gammu", k, category, text, desc)
        count_res = None
        if spec["variant"] == "default" and text not in seen_count:
            seen_count.add(text)
            count_res = count_by_text[text]
        try:
            check_ours(case, spec, res, count_res, vp_decoded, rng)
        except Exception as e:  # a crash in a check is a failure, not an abort
            case.fail("exception: %r" % e)
        ours_cases.append(case)

    # ---- gammu -> ours
    gplan = plan_gammu(rng, texts)
    gammu_cases, jobs = [], []  # jobs: (case index, kind, argv)
    built = []
    for k, (category, text, spec) in enumerate(gplan):
        if spec["unicode"]:  # KNOWN_ORACLE_BUGS 13: gammu sends '~' as U+0001 in UCS-2
            text = text.replace("~", "-")
        if spec["vp"] not in vp_writer:
            spec["vp"] = 255
        case = Case("gammu->ours", k, category, text, "")
        prng = random.Random(spec["seed"])
        try:
            parts = gammu_encode(case.text, spec, vp_writer, prng)
        except gammu.GSMError as e:
            case.fail("gammu encode failed: %s" % e)
            parts = []
        case.desc = "gammu %s unicode=%s ref16=%s ref=%s number=%s smsc=%r class=%d%s pdus=%s" % (
            spec["layout"], spec["unicode"], spec["ref16"], spec["ref"], spec["number"], spec["smsc"], spec["class"],
            " srr=%s mr=%d vp=%d" % (spec["srr"], spec["mr"], spec["vp"]) if spec["layout"] == "Submit" else " time=%s" % spec["time"],
            " ".join(h for _, h in parts),
        )
        gammu_cases.append(case)
        built.append(parts)
        for i, (_, hexpdu) in enumerate(parts):
            jobs.append((k, ("decode", i), [args.bin, "pdu", "decode", hexpdu]))
        if parts:
            order = [h for _, h in parts]
            prng.shuffle(order)
            jobs.append((k, ("join", None), [args.bin, "pdu", "join"] + order))
            if len(parts) > 1 and spec["drop"]:
                missing = prng.randrange(len(parts))
                rest = [h for j, (_, h) in enumerate(parts) if j != missing]
                jobs.append((k, ("join-missing", missing + 1), [args.bin, "pdu", "join"] + rest))
    results = run_all([argv for _, _, argv in jobs], args.jobs)
    for (k, (kind, arg), _), res in zip(jobs, results):
        case, spec, parts = gammu_cases[k], gplan[k][2], built[k]
        n = len(parts)
        try:
            if kind == "decode":
                got = parse_json(case, "pdu decode part %d" % (arg + 1), res)
                if got is not None:
                    check_decoded(case, "part %d/%d" % (arg + 1, n), spec, got, parts[arg][0], arg + 1, n)
            elif kind == "join":
                got = parse_json(case, "pdu join", res)
                if got is not None:
                    check_decoded(case, "join", spec, got, case.text, None, n)
            else:
                rc, out, err = res
                if rc == 0:
                    case.fail("pdu join without part %d of %d succeeded: %s" % (arg, n, out.strip()[:200]))
                else:
                    m = re.search(r"missing ([\d, ]+)", err)
                    listed = sorted(int(x) for x in re.findall(r"\d+", m.group(1))) if m else None
                    case.check("pdu join without part %d: parts named missing (stderr %r)" % (arg, err.strip()), listed, [arg])
        except Exception as e:
            case.fail("exception: %r" % e)

    # ---- report
    failed_cases = [c for c in ours_cases + gammu_cases if c.errors]
    for c in failed_cases[: args.show]:
        print("FAIL %s #%d [%s] text=%s" % (c.direction, c.cid, c.category, short(c.text, 4000)))
        print("     %s" % c.desc[:2000])
        for e in c.errors[:12]:
            print("     - %s" % e[:600])
        if len(c.errors) > 12:
            print("     - ... %d more" % (len(c.errors) - 12))
    if len(failed_cases) > args.show:
        print("... %d more failing cases not shown (--show)" % (len(failed_cases) - args.show))

    total_pass = total_fail = 0
    for name, cs in (("ours->gammu", ours_cases), ("gammu->ours", gammu_cases)):
        f = sum(1 for c in cs if c.errors)
        partial = sum(1 for c in cs if c.partial)
        note = " (%d UCS-2 with '~': gammu's text not compared, KNOWN_ORACLE_BUGS 13)" % partial if partial else ""
        print("%s: %d cases, %d passed, %d failed%s" % (name, len(cs), len(cs) - f, f, note))
        total_pass += len(cs) - f
        total_fail += f
    print("crosscheck-gammu: %d passed, %d failed" % (total_pass, total_fail))
    return 1 if total_fail else 0


if __name__ == "__main__":
    sys.exit(main())
