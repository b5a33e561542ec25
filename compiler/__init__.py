"""inspection-compiler: YAML inspection sources -> rated HTML and PDF reports.

The pipeline runs one way, a package a stage; each imports only from the stages before it:

1. sources/    YAML and Markdown -> typed `Inspection`, or positioned diagnostics
2. rating/     `Inspection` + rules file (`rating/rules/<id>.yaml`) -> `RatedInspection`
3. render/     `RatedInspection` -> view -> HTML text and PDF bytes
4. builds/     rendered outputs -> files under build/<slug>/, written atomically in one place
5. authoring/  `inspection new` and the live preview, over the stages above

`cli.py` is the `inspection` command on top of them all.
"""

__version__ = "0.1.0"
