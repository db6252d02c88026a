#!/usr/bin/env python3
"""Recompute Rectify's ledger hash chains from docs/LEDGER-ENCODING.md.

An auditor's check, written from the specification alone (Python 3 standard
library, nothing of Rectify's code): it reads events as JSON lines — one
event per line, as GET /api/v1/cases/{no}/events lists them — rebuilds the
canonical encoding of each, recomputes its SHA-256, and checks every case's
chain. With --checkpoint it also checks a decompressed-or-not checkpoint
(checkpoints/YYYY/*.json.gz; check its signature with OpenSSL first, see
docs/SECURITY.md): its Merkle root, that every checkpointed case is there
with the checkpointed hash at the checkpointed step, and that each year's
ledger numbers run from 1 without a gap.

    python3 scripts/ledger_hash.py events.jsonl [--checkpoint CP.json.gz]

Exit status 0 when everything checks, 1 on any mismatch (each named by case
and step), 2 on unreadable input.
"""

import argparse
import gzip
import hashlib
import json
import re
import sys
from datetime import datetime, timedelta, timezone


# The escapes of the specification's table that are not \u00XX.
SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def enc_string(s):
    """A JSON string escaped as Go's encoding/json does (spec, "Strings")."""
    out = ['"']
    for ch in s:
        cp = ord(ch)
        if ch in SHORT_ESCAPES:
            out.append(SHORT_ESCAPES[ch])
        elif cp < 0x20 or ch in "<>&" or cp in (0x2028, 0x2029):
            out.append("\\u%04x" % cp)
        elif 0xD800 <= cp <= 0xDFFF:
            out.append("\\ufffd")  # a lone surrogate: not valid UTF-8
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def enc(value):
    """Encode a value built of dicts (in insertion order), lists, str, int,
    bool and None, with no whitespace."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return enc_string(value)
    if isinstance(value, list):
        return "[" + ",".join(enc(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(enc_string(k) + ":" + enc(v) for k, v in value.items()) + "}"
    raise TypeError("cannot encode %r" % (value,))


TIME_RE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$")


def canonical_time(s):
    """The event time in UTC, cut (not rounded) to milliseconds."""
    m = TIME_RE.match(s)
    if not m:
        raise ValueError("bad time %r" % s)
    y, mo, d, h, mi, sec, frac, tz = m.groups()
    ms = int((frac or "0")[:3].ljust(3, "0"))
    if tz == "Z":
        off = timezone.utc
    else:
        sign = 1 if tz[0] == "+" else -1
        off = timezone(sign * timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6])))
    t = datetime(int(y), int(mo), int(d), int(h), int(mi), int(sec), ms * 1000, tzinfo=off)
    t = t.astimezone(timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def omit_empty(pairs):
    """Fields marked "omitted when empty": dropped when "", 0, false or []."""
    return {k: v for k, v in pairs if v not in ("", 0, False, None, [])}


def canonical(e):
    actor = e.get("actor") or {}
    a = {"id": actor.get("id", "")}
    if actor.get("name"):
        a["name"] = actor["name"]
    a["role"] = actor.get("role", "")

    reg = None
    r = e.get("registered")
    if r is not None:
        reg = {
            "source": r.get("source", ""),
            "source_ref": r.get("source_ref", ""),
            "unit_code": r.get("unit_code", ""),
            "violation_kind": r.get("violation_kind", ""),
            "title": r.get("title", ""),
            "facts": r.get("facts", ""),
            "level": r.get("level", ""),
        }
        if r.get("assignee"):
            reg["assignee"] = r["assignee"]
        if r.get("not_repeat_reason"):
            reg["not_repeat_reason"] = r["not_repeat_reason"]
        reg["unit_name"] = r.get("unit_name", "")
        reg["region"] = list(r.get("region") or [])
        reg["year"] = int(r.get("year", 0))
        reg["ordinal"] = int(r.get("ordinal", 0))
        if r.get("idempotency_key"):
            reg["idempotency_key"] = r["idempotency_key"]
        if r.get("origin"):
            reg["origin"] = r["origin"]
        if r.get("repeat_of"):
            reg["repeat_of"] = list(r["repeat_of"])
        if r.get("not_repeat_of"):
            reg["not_repeat_of"] = list(r["not_repeat_of"])

    inp = None
    i = e.get("input")
    if i is not None:
        inp = omit_empty([(k, i.get(k)) for k in (
            "reason", "requirements", "deadline", "working_days", "report", "evidence",
            "note", "reference", "assignee", "previous_deadline", "document", "late",
            "source", "origin")])

    return {
        "v": 1,
        "case_no": e["case_no"],
        "seq": int(e["seq"]),
        "action": e.get("action", ""),
        "from": e.get("from", ""),
        "to": e.get("to", ""),
        "actor": a,
        "at": canonical_time(e["at"]),
        "comment": e.get("comment", ""),
        "attachments": list(e.get("attachments") or []),
        "registered": reg,
        "input": inp,
        "prev_hash": e.get("prev_hash", ""),
    }


def event_hash(e):
    return hashlib.sha256(enc(canonical(e)).encode("utf-8")).hexdigest()


def merkle_root(leaves):
    """RFC 6962 Merkle tree hash over leaf byte strings."""
    def mth(hs):
        if len(hs) == 1:
            return hs[0]
        k = 1
        while k * 2 < len(hs):
            k *= 2
        return hashlib.sha256(b"\x01" + mth(hs[:k]) + mth(hs[k:])).digest()
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    return mth([hashlib.sha256(b"\x00" + leaf).digest() for leaf in leaves]).hex()


def read_checkpoint(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return json.loads(raw.decode("utf-8"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("events", help="events as JSON lines ('-' for standard input)")
    ap.add_argument("--checkpoint", help="a FULL checkpoint (.json.gz) to check the events against")
    args = ap.parse_args()

    problems = []
    by_case = {}
    try:
        f = sys.stdin if args.events == "-" else open(args.events, encoding="utf-8")
        for n, line in enumerate(f, 1):
            if line.strip():
                e = json.loads(line)
                by_case.setdefault(e["case_no"], []).append(e)
    except (OSError, ValueError, KeyError) as err:
        print("cannot read events: %s" % err, file=sys.stderr)
        return 2

    events = 0
    heads = {}
    for no in sorted(by_case):
        evs = sorted(by_case[no], key=lambda e: int(e["seq"]))
        prev = ""
        for i, e in enumerate(evs, 1):
            events += 1
            if int(e["seq"]) != i:
                problems.append("%s step %d: out of sequence (found %s)" % (no, i, e["seq"]))
                break
            if e.get("prev_hash", "") != prev:
                problems.append("%s step %d: prev_hash does not match the step before" % (no, i))
                break
            h = event_hash(e)
            if h != e.get("hash"):
                problems.append("%s step %d: recomputed hash %s, recorded %s" % (no, i, h, e.get("hash")))
                break
            prev = h
        heads[no] = evs

    if args.checkpoint:
        try:
            cp = read_checkpoint(args.checkpoint)
        except (OSError, ValueError) as err:
            print("cannot read checkpoint: %s" % err, file=sys.stderr)
            return 2
        if cp.get("format") != "rectify-checkpoint/1" or cp.get("kind") != "full":
            print("not a full rectify-checkpoint/1 (deltas need the chain back to a full one)", file=sys.stderr)
            return 2
        hs = cp["heads"]
        leaves = [("%s\n%d\n%s" % (no, seq, h)).encode("utf-8") for no, seq, h in hs]
        if merkle_root(leaves) != cp["root"] or len(hs) != cp["cases"]:
            problems.append("checkpoint: its heads do not add up to its root")
        years = {}
        for no, seq, h in hs:
            evs = heads.get(no)
            if not evs:
                problems.append("%s: in the checkpoint of %s, missing from the events" % (no, cp["at"]))
            elif len(evs) < seq or evs[seq - 1].get("hash") != h:
                problems.append("%s step %d: differs from the checkpoint of %s" % (no, seq, cp["at"]))
        for no in heads:
            m = re.match(r"^(\d{4})-(\d+)$", no)
            if m:
                years.setdefault(m.group(1), set()).add(int(m.group(2)))
        for y, ords in sorted(years.items()):
            for o in range(1, max(ords) + 1):
                if o not in ords:
                    problems.append("%s-%04d: missing (numbers of %s must run from 1 to %d)" % (y, o, y, max(ords)))

    for p in problems:
        print("MISMATCH " + p)
    print("%s: %d cases, %d events%s" % ("FAILED" if problems else "OK", len(by_case), events,
                                        ", checked against the checkpoint" if args.checkpoint else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
