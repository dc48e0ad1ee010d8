#!/usr/bin/env python3
# Reads what headless Chromium made of a hoptrace report page, for tests/e2e/test_report.sh:
#   report_page.py dom DOM.html     the rendered page's facts as one JSON object: the drop
#                                   marks (with the namespace box each sits in), the verdict
#                                   lines, the fate counts, the unexplained counter rises and
#                                   the check lines
#   report_page.py requests NETLOG  the requests a page made (Chromium's --log-net-log),
#                                   as a JSON list of URLs: the browser's own background
#                                   requests (initiator "not an origin") are left out
import json
import sys
from html.parser import HTMLParser

VOID = {"meta", "link", "br", "img", "input", "hr", "col", "area", "base", "wbr", "source",
        "circle", "rect", "line", "path"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, attrs) of the open elements
        self.facts = {"drops": [], "netns_boxes": [], "verdicts": [], "fates": {},
                      "unexplained": [], "checks": []}
        self.capture = None  # (kind, text so far, extra)

    def classes(self, attrs):
        return (attrs.get("class") or "").split()

    def handle_starttag(self, tag, attrs_list):
        attrs = dict(attrs_list)
        cls = self.classes(attrs)
        if tag == "g" and "netns" in cls:
            self.facts["netns_boxes"].append(attrs.get("data-netns"))
        if "drop" in cls:
            box = next((a.get("data-netns") for t, a in reversed(self.stack)
                        if t == "g" and "netns" in self.classes(a)), None)
            self.facts["drops"].append({"netns": attrs.get("data-netns"),
                                        "dev": attrs.get("data-dev"),
                                        "reason": attrs.get("data-reason"), "box": box})
        if "verdict" in cls:
            self.capture = ["verdict", "", None]
        if tag == "tr" and attrs.get("data-fate") and self.in_class("fates"):
            self.capture = ["fate", "", attrs["data-fate"]]
        if tag == "tr" and "unexplained" in cls:
            self.capture = ["unexplained", "", None]
        if tag == "tr" and "check" in cls:
            self.capture = ["check", "", attrs.get("data-status")]
        if tag not in VOID:
            self.stack.append((tag, attrs))

    def in_class(self, name):
        return any(name in self.classes(a) for _, a in self.stack)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
        if self.capture and ((self.capture[0] == "verdict" and tag == "p") or
                             (self.capture[0] != "verdict" and tag == "tr")):
            kind, text, extra = self.capture
            text = " ".join(text.split())
            if kind == "verdict":
                self.facts["verdicts"].append(text)
            elif kind == "fate":
                self.facts["fates"][extra] = int(text.split()[-1])
            elif kind == "unexplained":
                self.facts["unexplained"].append(text)
            else:
                self.facts["checks"].append({"status": extra, "text": text})
            self.capture = None

    def handle_data(self, data):
        if self.capture:
            self.capture[1] += data + " "


def requests(path):
    with open(path) as f:
        log = json.load(f)
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for e in log.get("events", []):
        p = e.get("params") or {}
        if names.get(e["type"]) != "URL_REQUEST_START_JOB" or "url" not in p:
            continue
        if p.get("initiator") == "not an origin":
            continue
        urls.append(p["url"])
    return urls


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("dom", "requests"):
        print("usage: report_page.py dom|requests FILE", file=sys.stderr)
        return 2
    if sys.argv[1] == "dom":
        page = Page()
        with open(sys.argv[2], encoding="utf-8") as f:
            page.feed(f.read())
        print(json.dumps(page.facts))
    else:
        print(json.dumps(requests(sys.argv[2])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
