"""A report's language tag -> the fixed phrases its templates print, in one table per language.

Templates read them as `ph.<key>`; a phrase with `{name}` fields is filled with `.format(...)`.
Another edition (Welsh, say) adds its own table under its language; a language without one
falls back to English.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

ENGLISH: Mapping[str, str] = MappingProxyType({
    # Cover
    "cover_published": "Published {month}",
    # The key to the rating colours, beside the table where they first appear
    "rating_key_heading": "Key to the ratings",
    "rating_key_outstanding_star": "The star marks an ‘Outstanding’ rating.",
    "rating_key_colour_note": "Each rating also has its own colour, as shown here; the words alone give the rating.",
    # Stars of the themed (Full Joint Inspection) reports
    "stars_text": "{stars} stars out of {slots}",
    "stars_text_one": "1 star out of {slots}",
    "stars_key_heading": "Key to the stars",
    "stars_key_lead": "Each scored theme has a descriptor and stars, as follows:",
    # Data summary charts of the themed reports
    "data_chart_title": "{theme}: selected case assessment results",
    "data_chart_desc": "Each bar shows, of the relevant cases, how many were judged good enough: {figures}.",
    "data_chart_row": "{label}: {yes} of {of}",
    "data_chart_value": "{yes} of {of}",
    # The annex of rules
    "rules_lead": "The ratings in this report follow the rules of the {name} framework, set out below.",
    "worked_out_heading": "How the ratings in this report were worked out",
    "worked_out_lead": "Our published rules leave a few details open. Where they do, the ratings in this report were "
                       "worked out as follows:",
    # The line that closes every report: the rules it was rated under
    "rated_under": "Rated under the rules of the {name} framework, version {version} (fingerprint {fingerprint}).",
    # Further information
    "alternative_formats": "If you need this report in another format, such as large print, easy read or audio, "
                           "please ask {publisher}.",
})

PHRASES: Mapping[str, Mapping[str, str]] = MappingProxyType({"en": ENGLISH})


def phrases(language: str) -> Mapping[str, str]:
    """The phrase table for a BCP 47 tag ('en-GB' -> 'en'); English where no table exists."""
    return PHRASES.get(language.split("-")[0].lower(), ENGLISH)
