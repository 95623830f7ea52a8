"""Reads an RSS or Atom document on stdin with feedparser (Debian's python3-feedparser) and prints what a news
reader sees of it as JSON."""
import json
import sys

import feedparser

parsed = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
    "bozo": bool(parsed.bozo),
    "bozoException": str(parsed.get("bozo_exception", "")),
    "version": parsed.version,
    "title": parsed.feed.get("title"),
    "link": parsed.feed.get("link"),
    "entries": [{
        "id": e.get("id"),
        "title": e.get("title"),
        "titleType": e.get("title_detail", {}).get("type"),
        "link": e.get("link"),
        "published": e.get("published"),
        "summary": e.get("summary"),
        "tags": [t.get("term") for t in e.get("tags", [])],
    } for e in parsed.entries],
}))
