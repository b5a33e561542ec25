"""Rated result -> the `rate --json` document (also written as ratings.json by `build`).

Ratings are spelled as published and whole-number percentages are integers. Besides the fields
every consumer relies on (slug, framework, rules_version, rules_sha256, overall, score, max_score,
standards, themes), it
carries what explains them: which standards count to the score, why one is Not rated, the
conditions that opened discretion, limiting judgements and the assumptions applied.
"""
from __future__ import annotations

from typing import Any, Optional

from .result import RatedKeyQuestion, RatedStandard, RatedTheme, RatingResult


def result_to_json(slug: str, result: RatingResult) -> dict[str, Any]:
    return {
        "slug": slug,
        "framework": result.framework,
        "rules_version": result.rules_version,
        "rules_sha256": result.rules_sha256,
        "overall": _value(result.overall),
        "score": result.score,
        "max_score": result.max_score,
        "overall_before_limits": _value(result.overall_before_limits),
        "limits_applied": list(result.limits_applied),
        "standards": [_standard(s) for s in result.standards],
        "themes": [_theme(t) for t in result.themes],
        "assumptions": list(result.assumptions),
    }


def _standard(s: RatedStandard) -> dict[str, Any]:
    decision = s.discretion
    return {
        "id": s.id,
        "name": s.name,
        "domain": s.domain,
        "rating": s.rating.value,
        "points": s.points,
        "counts_to_score": s.counts_to_score,
        "computed": _value(s.computed),
        "discretion": (
            {"from": decision.from_.value, "to": decision.to.value, "reason": decision.reason,
             "triggers": list(decision.triggers)}
            if decision else None
        ),
        "not_rated_reason": s.not_rated_reason,
        "key_questions": [_key_question(q) for q in s.key_questions],
    }


def _key_question(q: RatedKeyQuestion) -> dict[str, Any]:
    return {
        "id": q.id, "text": q.text, "yes": q.yes, "of": q.of, "percent": _number(q.percent), "band": _value(q.band),
        "lowest": q.lowest,
        "prompts": [{"id": p.id, "yes": p.yes, "of": p.of, "percent": _number(p.percent)} for p in q.prompts],
    }


def _theme(t: RatedTheme) -> dict[str, Any]:
    return {"id": t.id, "name": t.name, "percent": _number(t.percent), "descriptor": _value(t.descriptor),
            "stars": t.stars}


def _number(value: Optional[float]) -> Optional[float | int]:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _value(enum_value) -> Optional[str]:
    return enum_value.value if enum_value is not None else None
