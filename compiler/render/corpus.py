"""Report summaries -> the corpus files' text: ratings.csv, ratings.json and index.html (a Jinja template).

Each summary is what a report's build kept for the corpus: its slug, its ratings.json document,
its CSV rows, service, publication month, framework and the names of its outputs. The files list
the reports in the order given (the builder sorts them by slug), so they depend on nothing else.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

from ..rating.ratings_rows import csv_text
from .formatting import month_year
from .html import environment

INDEX, CSV_FILE, JSON_FILE = "index.html", "ratings.csv", "ratings.json"
CORPUS_FILES = (INDEX, CSV_FILE, JSON_FILE)
# Rating words and theme descriptors -> the class that colours them (the words are always shown).
_CLASSES = {"Outstanding": "outstanding", "Good": "good", "Requires improvement": "requires-improvement",
            "Inadequate": "inadequate", "Not rated": "not-rated", "Very good": "very-good",
            "Unsatisfactory": "unsatisfactory", "Poor": "poor"}


@dataclass(frozen=True)
class Rated:
    label: str
    rating: str  # the words shown
    css: str


@dataclass(frozen=True)
class IndexEntry:
    slug: str
    service: str
    published: str
    framework: str
    overall: Optional[Rated]
    score: Optional[str]
    family: str  # "standards" or "themes"
    items: list[Rated]
    html: Optional[str]
    pdf: Optional[str]


def corpus_files(summaries: list[dict]) -> dict[str, str]:
    """The three corpus files by name."""
    return {
        INDEX: render_index([index_entry(s) for s in summaries]),
        CSV_FILE: ratings_csv(summaries),
        JSON_FILE: json.dumps({"inspections": [s["ratings"] for s in summaries]}, indent=2, ensure_ascii=False) + "\n",
    }


def ratings_csv(summaries: list[dict]) -> str:
    return csv_text(row for summary in summaries for row in summary["rows"])


def _rated(label: str, rating: Optional[str]) -> Rated:
    words = rating or "Not rated"
    return Rated(label, words, _CLASSES.get(words, "not-rated"))


def index_entry(summary: dict) -> IndexEntry:
    ratings, slug, outputs = summary["ratings"], summary["slug"], summary["outputs"]
    if ratings["standards"]:
        family = "standards"
        items = [_rated(f"{s['id']} {s['name']}", s["rating"]) for s in ratings["standards"]]
    else:
        family = "themes"
        items = [_rated(t["name"], t["descriptor"]) for t in ratings["themes"]]
    score = f"{ratings['score']}/{ratings['max_score']}" if ratings.get("max_score") else None
    return IndexEntry(
        slug=slug, service=summary["service"], published=month_year(summary["published"]),
        framework=summary["framework_name"],
        overall=_rated("", ratings["overall"]) if ratings.get("overall") else None,
        score=score, family=family, items=items,
        html=f"{slug}/{slug}.html" if f"{slug}.html" in outputs else None,
        pdf=f"{slug}/{slug}.pdf" if f"{slug}.pdf" in outputs else None,
    )


def render_index(entries: list[IndexEntry]) -> str:
    return environment().get_template("index.html.j2").render(entries=entries)
