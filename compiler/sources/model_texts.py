"""Every string of an inspection's data with how the templates print it, read from the model types.

The checks of citations and of Markdown structure both need each text and whether it is Markdown
(paragraphs or one line) or printed as written. The data is walked once and each model type is
read once per process: the walk costs little beside loading, even for a corpus of hundreds.
"""
from __future__ import annotations

import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from .model import Inspection, MarkdownText
from .yaml_source import Loc

Text = tuple[Loc, str, "MarkdownText | None"]


def texts(data: Any) -> list[Text]:
    """(location, text, Markdown marker or None) for every string in `data`, an inspection's
    data as loaded (Markdown files' text excluded: each is checked in its own file). Keys the
    model does not know are left out unless their value is text in a known place."""
    found: list[Text] = []
    _walk(data, Inspection, (), None, found)
    return found


def _walk(value: Any, tp: Any, loc: Loc, marker: MarkdownText | None, found: list[Text]) -> None:
    tp, marker, members = _plan(tp, marker)
    while members:
        tp, marker, members = _plan(_member_for(value, members), marker)
    if isinstance(value, str):
        if marker is not None or tp is str:  # not a key the model does not know
            found.append((loc, value, marker))
    elif isinstance(value, list):
        item = get_args(tp)[0] if get_origin(tp) is list else Any
        for i, v in enumerate(value):
            _walk(v, item, loc + (i,), None, found)
    elif isinstance(value, dict):
        fields = _fields(tp) if is_model(tp) else None
        default = Any if fields is not None else (get_args(tp)[1] if get_origin(tp) is dict else Any)
        skip_content = isinstance(value.get("file"), str)
        for key, v in value.items():
            if skip_content and key == "content":
                continue  # a Markdown file's text, checked in its own file
            annotation, own = fields.get(key, (Any, None)) if fields is not None else (default, None)
            _walk(v, annotation, loc + (key,), own, found)


_PLANS: dict[tuple[int, MarkdownText | None], tuple[Any, Any, MarkdownText | None, tuple]] = {}


def _plan(tp: Any, marker: MarkdownText | None) -> tuple[Any, MarkdownText | None, tuple]:
    """`tp` with Annotated and one-member unions stripped, the Markdown marker found on the way,
    and a union's members when which one applies depends on the value. Kept per type (by
    identity: not every type hashes), holding the type so that its id stays its own."""
    key = (id(tp), marker)
    kept = _PLANS.get(key)
    if kept is None:
        resolved, members = tp, ()
        while True:
            origin = get_origin(resolved)
            if origin is Annotated:
                args = get_args(resolved)
                marker = marker or next((m for m in args[1:] if isinstance(m, MarkdownText)), None)
                resolved = args[0]
            elif origin in (Union, types.UnionType):
                options = tuple(m for m in get_args(resolved) if m is not type(None))
                if len(options) != 1:
                    members = options
                    break
                resolved = options[0]
            else:
                break
        kept = _PLANS[key] = (tp, resolved, marker, members)
    return kept[1:]


_FIELDS: dict[type, dict[str, tuple[Any, MarkdownText | None]]] = {}


def _fields(model: type[BaseModel]) -> dict[str, tuple[Any, MarkdownText | None]]:
    """Each field's type and its own Markdown marker (pydantic keeps a field's Annotated metadata
    apart from its type)."""
    fields = _FIELDS.get(model)
    if fields is None:
        fields = _FIELDS[model] = {
            name: (field.annotation, next((m for m in field.metadata if isinstance(m, MarkdownText)), None))
            for name, field in model.model_fields.items()
        }
    return fields


def is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def unwrap(tp: Any) -> Any:
    """`tp` without Annotated and Optional wrappers (a union of several types stays as it is)."""
    return _plan(tp, None)[0]


def _member_for(value: Any, members: tuple) -> Any:
    """The member of a union that `value` has the shape of (a mapping: the model with its keys)."""
    if isinstance(value, dict):
        models = [m for m in members if is_model(unwrap(m))]
        return max(models, key=lambda m: len(value.keys() & _fields(unwrap(m))), default=Any)
    wanted = list if isinstance(value, list) else str if isinstance(value, str) else None
    return next((m for m in members if unwrap(m) is wanted or get_origin(unwrap(m)) is wanted), Any)
