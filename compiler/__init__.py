"""inspection-compiler: YAML inspection sources -> rated HTML and PDF reports.

The pipeline runs one way:

1. source    YAML file -> plain data with positions (`source.py`)
2. validate  plain data -> typed `Inspection`, or diagnostics (`validate.py`, `model.py`)
3. rate      `Inspection` + `RuleSet` -> `RatingResult` (`ruleset.py`, `scoring.py`)
4. render    `RatedInspection` -> view -> HTML -> PDF (`view.py`, `render_html.py`, `render_pdf.py`)
5. write     outputs written atomically in one place (`output.py`)
"""

__version__ = "0.1.0"
