"""Print every question the checked-out generators make from the articles beside this script,
alone and beside the demo articles (seed 2009), for reading. Works on older commits too (copy
this folder there), which is how the verdicts on main were taken:

    DEBUG=1 .venv/bin/python tests/data/articles/show_generated.py > /tmp/questions.txt
"""

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")

import django  # noqa: E402

django.setup()

from quizzes.services.generation import FactData, QuestionDraft, Skip, generate_bank  # noqa: E402


def facts_of(article: dict, rows: list[dict]) -> list[FactData]:
    return [
        FactData(f["key"], article["slug"], f["sentence"], f["answer"], f["kind"],
                 f.get("prompt", ""), tuple(f.get("distractors", [])), article["publisher"])
        for f in rows
    ]  # fmt: skip


def demo_facts() -> list[FactData]:
    rows = json.loads((ROOT / "fixtures" / "articles.json").read_text(encoding="utf-8"))
    articles = {r["fields"]["slug"]: r["fields"] for r in rows if r["model"] == "quizzes.article"}
    return [
        fact
        for r in rows
        if r["model"] == "quizzes.fact"
        for fact in facts_of(articles[r["fields"]["article"][0]], [r["fields"]])
    ]


def main():
    demo = demo_facts()
    for path in sorted(HERE.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        facts = facts_of(data["article"], data["facts"])
        for config, pool in (("alone", facts), ("with_demo", facts + demo)):
            print(f"\n## {data['article']['slug']} ({config})")
            for r in generate_bank(facts, pool, seed=2009):
                if isinstance(r, Skip):
                    print(f"  skipped {r.fact_key}:{r.generator}: {r.message}")
                    continue
                assert isinstance(r, QuestionDraft)
                print(f"- {r.key} [{r.kind}] {r.text}")
                if r.choices:
                    print("    " + " | ".join(("*" if f > 0 else "") + t for t, f in r.choices))
                if r.accepted_answers:
                    print("    accepts: " + " | ".join(t for t, *_ in r.accepted_answers))
                if r.numeric_answer is not None:
                    print(f"    = {r.numeric_answer} ± {r.numeric_tolerance}")


if __name__ == "__main__":
    main()
