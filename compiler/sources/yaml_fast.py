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


_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _plain_events(text: str, max_depth: int) -> bool:
    """No anchor or alias, and nesting no deeper than `max_depth` (collection tags are reported later)."""
    parser = CParser(text)
    next_event, scalar, starts, ends = parser.get_event, yaml.ScalarEvent, _STARTS, _ENDS
    depth = 0
    try:
        while True:
            event = next_event()
            kind = type(event)
            if kind is scalar:  # most events: tested first
                if event.anchor is not None:
                    return False
            elif kind in starts:
                if event.anchor is not None:
                    return False
                depth += 1
                if depth > max_depth:
                    return False
            elif kind in ends:
                depth -= 1
            elif kind is yaml.AliasEvent:
                return False
            elif event is None or kind is yaml.StreamEndEvent:
                return True
    finally:
        parser.dispose()
