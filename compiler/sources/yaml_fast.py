"""The same YAML node tree as `yaml_source._Loader` composes, composed by libyaml in C (about
twenty times faster), for the files that hold nothing the Python loader must report.

The C composer neither refuses anchors nor limits nesting, and its reader differs on tabs,
byte-order marks and control characters. So a text takes this path only when it has none of
those characters, and a scan of its events (also in C) finds no anchor, no alias and no nesting
deeper than the limit. Anything else, and any parse error, goes to the Python loader, whose
messages and positions are the ones reported. Without libyaml every file takes that path.
"""
from __future__ import annotations

import re

import yaml

try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None

# Characters whose reading differs between the C and Python readers, or that the Python loader
# reports: tab, byte-order mark, controls, surrogates, and any character libyaml's reader refuses.
_AWKWARD = re.compile("[\t\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def compose(text: str, loader_class: type, max_depth: int):
    """(root node or None, a loader to construct scalars with) composed in C, or None when
    the text must go through the Python loader."""
    if CParser is None or _AWKWARD.search(text):
        return None
    try:
        if not _plain_events(text, max_depth):
            return None
        loader = loader_class(text)
        return loader.get_single_node(), loader
    except yaml.YAMLError:
        return None


def _plain_events(text: str, max_depth: int) -> bool:
    """No anchor, alias or tag on a collection, and nesting no deeper than `max_depth`."""
    parser = CParser(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return True
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return False
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > max_depth:
                    return False
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    finally:
        parser.dispose()
