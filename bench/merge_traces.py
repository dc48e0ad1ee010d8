#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Two node traces of N UDP packets for timing `hoptrace merge` (bench/method.md).

Usage: bench/merge_traces.py N DIR   writes DIR/n1.jsonl and DIR/n2.jsonl

Each packet leaves a pod on node1 (five hops there, the last a transmit on the underlay
device) and arrives on node2 (four hops, delivered, or dropped by a rule for one in fifty),
in the JSON Lines form `hoptrace --json` writes: the hops, the packet object, the summary
with its node record. Node2's clock runs 3 ms ahead, the wire takes 20 us. 100 flows carry
the packets, their IPv4 ids counting up per flow, so every packet has one join key.
"""
import json
import os
import sys

T0 = 1796246656000000000
SKEW = 3000000
WIRE = 20000


def hop(pkt, ts, hook, layer, netns, netns_name, ifname, kind, tup, ident, extra=None):
    o = {"type": "hop", "pkt": pkt, "ts_ns": ts, "hook": hook, "layer": layer,
         "netns": netns, "netns_name": netns_name, "ifname": ifname,
         "dev_kind": kind, "skb": "0xffff8881%08x" % (pkt * 256), "tuple": tup, "ident": ident}
    if extra:
        o.update(extra)
    return o


def node(name, boot, netns, start, end):
    return {"name": name, "hostname": name, "boot_id": boot, "kernel": "6.18.0-bench",
            "clock_start": {"mono_ns": 1000, "real_ns": start, "error_ns": 25},
            "clock_end": {"mono_ns": 2000, "real_ns": end, "error_ns": 25},
            "scope": [{"netns": netns, "netns_name": name + "-ns"}]}


def nf(hook, verdict="accept"):
    return {"nf": {"family": "ipv4", "hook": hook, "verdict": verdict}}


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    dump = json.JSONEncoder(separators=(",", ":")).encode
    ns1, ns2 = 4026532177, 4026532246
    end = T0 + n * 10000 + 5 * 10**9
    counts = {"delivered": 0, "dropped": 0}
    with open(os.path.join(out, "n1.jsonl"), "w") as f1, \
            open(os.path.join(out, "n2.jsonl"), "w") as f2:
        for i in range(n):
            pkt, flow = i + 1, i % 100 + 1
            tup = {"family": "ipv4", "proto": "udp", "src": "10.244.1.%d" % (flow + 1),
                   "dst": "10.244.2.2", "sport": 40000 + flow, "dport": 5353}
            ident = {"ip_id": (i // 100) % 65536, "udp_len": 20 + i % 7}
            t = T0 + i * 10000
            n1 = [("netif_receive", "veth", "veth%d" % flow, "veth", None),
                  ("nf_hook", "node", "veth%d" % flow, "veth", nf("PREROUTING")),
                  ("fib_lookup", "node", "ul0", "veth", {"fib": {"table": 254, "err": 0}}),
                  ("nf_hook", "node", "ul0", "veth", nf("FORWARD")),
                  ("dev_xmit", "veth", "ul0", "veth", None)]
            for k, (hook, layer, ifn, kind, extra) in enumerate(n1):
                f1.write(dump(hop(pkt, t + k * 1500, hook, layer, ns1, "node1-ns", ifn,
                                  kind, tup, ident, extra)) + "\n")
            f1.write(dump({"type": "packet", "pkt": pkt, "flow": flow, "fate": "unknown",
                           "hops": 5, "incomplete": False, "reply": False,
                           "flow_tuple": tup,
                           "verdict": "unknown: it left on ul0 (netns node1-ns)"}) + "\n")
            drop = i % 50 == 49
            t2 = t + 4 * 1500 + WIRE + SKEW
            last = ("kfree_skb", "node", "ul0", "veth",
                    {"drop": {"reason": "NETFILTER_DROP", "location": "nft_do_chain+0x46f"}}) \
                if drop else ("consume_skb", "node", "ul0", "veth", None)
            n2 = [("netif_receive", "veth", "ul0", "veth", None),
                  ("nf_hook", "node", "ul0", "veth", nf("PREROUTING")),
                  ("nf_hook", "node", "ul0", "veth", nf("INPUT", "drop" if drop else "accept")),
                  last]
            for k, (hook, layer, ifn, kind, extra) in enumerate(n2):
                f2.write(dump(hop(pkt, t2 + k * 1500, hook, layer, ns2, "node2-ns", ifn,
                                  kind, tup, ident, extra)) + "\n")
            p2 = {"type": "packet", "pkt": pkt, "flow": flow,
                  "fate": "dropped" if drop else "delivered", "hops": 4, "incomplete": False,
                  "reply": False, "flow_tuple": tup}
            if drop:
                p2["drop"] = {"reason": "NETFILTER_DROP", "location": "nft_do_chain+0x46f"}
                p2["verdict"] = "dropped: NETFILTER_DROP at nft_do_chain+0x46f"
            else:
                p2["verdict"] = "delivered (consumed in netns node2-ns)"
            counts["dropped" if drop else "delivered"] += 1
            f2.write(dump(p2) + "\n")
        f1.write(dump({"type": "summary", "packets": n, "dropped": 0, "delivered": 0,
                       "unknown": n, "node": node("node1", "b1", ns1, T0 - 10**9, end)}) + "\n")
        f2.write(dump({"type": "summary", "packets": n, "dropped": counts["dropped"],
                       "delivered": counts["delivered"], "unknown": 0,
                       "node": node("node2", "b2", ns2, T0 - 10**9 + SKEW, end + SKEW)}) + "\n")


if __name__ == "__main__":
    main()
