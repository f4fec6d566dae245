"""Acceptance per kind from the verdicts recorded in the article files beside this script.

    python tests/data/articles/tally.py             # the tables (now, and on main before issue 12)
    python tests/data/articles/tally.py --show      # every question now made, with its verdict

`verdicts` hold a reader's verdict on each question the generators make now (pinned against
them by tests/test_question_verdicts.py); `verdicts_on_main` the verdicts on what main's
generators (commit c466be4) made from the same facts with seed 2009.
"""

import json
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = ["cloze", "single", "multi", "tf-true", "tf-false", "short", "numeric"]


def load():
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(HERE.glob("*.json"))]


def verdict_of(value) -> str:
    return value["verdict"] if isinstance(value, dict) else value


def table(articles, field: str, config: str) -> str:
    counts = defaultdict(lambda: [0, 0])
    for data in articles:
        for key, value in data[field][config].items():
            for kind in (key.rsplit(":", 1)[1], "all"):
                counts[kind][0] += verdict_of(value) == "ok"
                counts[kind][1] += 1
    cells = []
    for kind in [*KINDS, "all"]:
        ok, total = counts[kind]
        cells.append(f"{ok}/{total} ({ok / total:.0%})" if total else "—")
    return "| " + " | ".join(cells) + " |"


def main(argv):
    articles = load()
    if "--show" in argv:
        for data in articles:
            for config, verdicts in data["verdicts"].items():
                print(f"## {data['article']['slug']} ({config})")
                for key, v in verdicts.items():
                    print(f"- {key}: {v['text']}")
                    if v["choices"]:
                        print("    " + " | ".join(v["choices"]))
                    if v["accepts"]:
                        print("    accepts: " + " | ".join(v["accepts"]))
                    if v["numeric"] is not None:
                        print(f"    = {v['numeric']}")
                    print(f"    -> {v['verdict']}")
        return
    print("| generators, bank | " + " | ".join([*KINDS, "all"]) + " |")
    print("|---" * (len(KINDS) + 2) + "|")
    for label, field in (("main c466be4", "verdicts_on_main"), ("now", "verdicts")):
        for config in ("alone", "with_demo"):
            print(f"| {label}, {config} " + table(articles, field, config))


if __name__ == "__main__":
    main(sys.argv[1:])
