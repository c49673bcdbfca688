"""The span details form: the note and the label's attributes of one span.

One field per attribute of the span's label, typed by the tag set:

| attribute type     | field                                  | empty / blank means |
|--------------------|----------------------------------------|---------------------|
| string             | Input                                  | attribute removed   |
| number, integer    | Input(type="number"/"integer")         | attribute removed   |
| boolean            | Checkbox                               | see below           |
| enum               | Select of the values, with a blank     | attribute removed   |

A checkbox cannot be empty: checked gives True; unchecked gives False when the
span already had the attribute or the box was toggled, and leaves the
attribute out otherwise. Attributes the label does not declare are kept as
they are: the form does not show them, so it does not change them.

The span's label and text, its current values and the tag set's descriptions
are shown as Content (never parsed as markup), made terminal-safe with
`display_text`. An Input shows a value with control characters as visible
placeholders; if the field is left as shown, the original value is kept.

Keys: enter goes to the next field from every kind of field (a text box, a
list, a checkbox) and submits from the last one, the note. In a list (an enum
field) space, up or down opens the list; in the open list up and down move,
enter chooses and puts focus back on the field (another enter moves on), and
escape closes the list only. In a checkbox space toggles it. tab / shift+tab
move between fields and buttons, ctrl+s submits from anywhere, escape cancels.
A number that does not parse shows an error under its field and nothing is
submitted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Select, Static

from annotator.model.annotation import Span
from annotator.model.tagset import AttributeSpec, AttributeValue, LabelSpec
from annotator.text import display_text

NEWLINE_MARK = "⏎"
ELLIPSIS = "…"
MAX_SPAN_TEXT = 400
SAFE_INTEGER = 2**53 - 1  # JSON numbers are exact up to here


def shown(value: str, limit: int | None = None) -> str:
    """`value` made terminal-safe on one line, cut to `limit` characters with "…"."""
    if limit is not None and len(value) > limit:
        value = value[: max(limit - 1, 0)] + ELLIPSIS
    return display_text(value).replace("\n", NEWLINE_MARK)


@dataclass(frozen=True, slots=True)
class SpanDetails:
    """What the form returns: the note (None for none) and the complete attributes."""

    note: str | None
    attributes: dict[str, AttributeValue] = field(default_factory=dict)


@dataclass(slots=True)
class _Field:
    """One attribute's field: which widget, its error line, and the value it started from."""

    spec: AttributeSpec
    widget_id: str
    error_id: str
    original: AttributeValue | None
    suggested: bool = False


class NextField(Message):
    """Enter in a list or a checkbox: go to the next field, or submit from the last one."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget


class EnumSelect(Select[str]):
    """A Select on which enter goes to the next field; space, up and down still open the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next_field", "next field", show=False),
    ]

    def action_next_field(self) -> None:
        self.post_message(NextField(self))


class BooleanCheckbox(Checkbox):
    """A Checkbox on which enter goes to the next field; space still toggles it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next_field", "next field", show=False),
    ]

    def action_next_field(self) -> None:
        self.post_message(NextField(self))


class SpanDetailsScreen(ModalScreen[SpanDetails | None]):
    """Edit the note and attributes of one span. Dismisses with SpanDetails, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "save details", priority=True, id="details.submit"),
        Binding("escape", "cancel", "cancel", id="details.cancel"),
    ]

    def __init__(
        self,
        span: Span,
        label_spec: LabelSpec,
        *,
        suggested: Mapping[str, Any] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.span = span
        self.label_spec = label_spec
        self.suggested = dict(suggested or {})
        self._fields: list[_Field] = []
        current = span.attributes
        for index, spec in enumerate(label_spec.attributes.values()):
            original = current.get(spec.name)
            self._fields.append(_Field(spec, f"details-attr-{index}", f"details-error-{index}", original))
        self._toggled: set[str] = set()

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        span = self.span
        spec = self.label_spec
        with Vertical(id="details-dialog", classes="annotator-dialog"):
            yield Static(
                Content.assemble(
                    ("Span details: ", "bold"),
                    (spec.name, "bold reverse"),
                    f"  {span.start}–{span.end}",
                ),
                id="details-title",
                classes="dialog-title",
            )
            yield Static(Content(shown(span.text, MAX_SPAN_TEXT)), id="details-text", classes="details-span-text")
            with VerticalScroll(id="details-fields", can_focus=False):
                for item in self._fields:
                    yield from self._compose_field(item)
                with Horizontal(classes="field-row"):
                    yield Static(Content.assemble(("note", "bold"), " ", ("text", "dim")), classes="field-label")
                    yield Input(
                        value=shown(span.note or ""),
                        placeholder="a free-text note (optional)",
                        compact=True,
                        id="details-note",
                    )
                kept = [name for name in span.attributes if name not in spec.attributes]
                if kept:
                    yield Static(
                        Content("Kept unchanged (not in the tag set): " + shown(", ".join(kept), 200)),
                        id="details-kept",
                        classes="field-help",
                    )
            yield Static(
                Content(
                    "enter next field / save · space opens a list / toggles · up/down open a list\n"
                    "in a list: enter chooses, esc closes · tab move · ctrl+s save · esc cancel"
                ),
                id="details-keys",
                classes="dialog-keys",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Save"), variant="primary", compact=True, id="details-save")
                yield Button(Content("Cancel"), compact=True, id="details-cancel")

    def _compose_field(self, item: _Field) -> ComposeResult:
        spec = item.spec
        value = item.original
        suggestion = self.suggested.get(spec.name)
        if value is None and suggestion is not None and _fits(spec, suggestion):
            value = suggestion
            item.suggested = True
        with Horizontal(classes="field-row"):
            yield Static(
                Content.assemble((shown(spec.name, 14), "bold"), " ", (spec.type, "dim")),
                classes="field-label",
            )
            yield self._field_widget(item, value)
        help_parts: list[str | tuple[str, str]] = [shown(spec.description, 300)] if spec.description else []
        if spec.type == "enum" and item.original is not None and item.original not in spec.values:
            was = f"now {shown(str(item.original), 40)!r}, which is not allowed: pick a value or leave it blank"
            help_parts.append((f" ({was})" if help_parts else was, "bold"))
        if item.suggested:
            help_parts.append((" (suggested from the text)" if help_parts else "suggested from the text", "italic"))
        if help_parts:
            yield Static(Content.assemble(*help_parts), classes="field-help")
        yield Static("", id=item.error_id, classes="field-error")

    def _field_widget(self, item: _Field, value: AttributeValue | None) -> Widget:
        spec = item.spec
        if spec.type == "boolean":
            return BooleanCheckbox(Content("yes"), value=value is True, compact=True, id=item.widget_id)
        if spec.type == "enum":
            options = [(Content(shown(choice, 80)), choice) for choice in spec.values]
            start = value if isinstance(value, str) and value in spec.values else Select.NULL
            return EnumSelect(options, value=start, allow_blank=True, prompt="(none)", compact=True, id=item.widget_id)
        if spec.type in ("number", "integer"):
            # A value of the wrong type is shown as it is, so that it fails validation rather than vanish.
            return Input(
                value=shown(value) if isinstance(value, str) else _format_number(value),
                type=spec.type,
                valid_empty=True,
                placeholder="a whole number" if spec.type == "integer" else "a number",
                compact=True,
                id=item.widget_id,
            )
        text = "" if value is None else value if isinstance(value, str) else str(value)
        return Input(value=shown(text), placeholder="(none)", compact=True, id=item.widget_id)

    def on_mount(self) -> None:
        focusables = self._field_widgets()
        if focusables:
            focusables[0].focus()

    # -- navigation --------------------------------------------------------------

    def _field_widgets(self) -> list[Widget]:
        widgets: list[Widget] = [self.query_one(f"#{item.widget_id}") for item in self._fields]
        widgets.append(self.query_one("#details-note", Input))
        return widgets

    def _next_field(self, widget: Widget) -> None:
        """Focus the field after `widget`, or submit when `widget` is the last one."""
        widgets = self._field_widgets()
        if widget is widgets[-1]:
            self.action_submit()
            return
        if widget in widgets:
            widgets[widgets.index(widget) + 1].focus()

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._next_field(event.input)

    @on(NextField)
    def _field_done(self, event: NextField) -> None:
        event.stop()
        self._next_field(event.widget)

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        for item in self._fields:
            if event.input.id == item.widget_id:
                self._set_error(item, None)

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        for item in self._fields:
            if event.checkbox.id == item.widget_id:
                self._toggled.add(item.spec.name)

    @on(Button.Pressed, "#details-save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#details-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    # -- result ------------------------------------------------------------------

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        details = self.collect()
        if details is not None:
            self.dismiss(details)

    def collect(self) -> SpanDetails | None:
        """The form's values, or None (with errors shown) when a field is invalid."""
        attributes: dict[str, AttributeValue] = {
            name: value for name, value in self.span.attributes.items() if name not in self.label_spec.attributes
        }
        first_bad: Widget | None = None
        for item in self._fields:
            widget = self.query_one(f"#{item.widget_id}")
            try:
                value = self._read(item, widget)
            except ValueError as err:
                self._set_error(item, str(err))
                first_bad = first_bad or widget
                continue
            self._set_error(item, None)
            if value is not None:
                attributes[item.spec.name] = value
        if first_bad is not None:
            first_bad.focus()
            return None
        note_input = self.query_one("#details-note", Input)
        note = _unchanged_or(note_input.value, self.span.note).strip()
        return SpanDetails(note or None, attributes)

    def _read(self, item: _Field, widget: Widget) -> AttributeValue | None:
        kind = item.spec.type
        if kind == "boolean":
            assert isinstance(widget, Checkbox)
            if widget.value:
                return True
            return False if (item.original is not None or item.spec.name in self._toggled) else None
        if kind == "enum":
            assert isinstance(widget, Select)
            selection = widget.selection
            return selection if isinstance(selection, str) else None
        assert isinstance(widget, Input)
        if kind == "string":
            original = item.original if isinstance(item.original, str) else None
            text = _unchanged_or(widget.value, original).strip()
            return text or None
        text = widget.value.strip()
        if not text:
            return None
        return _parse_number(text, integer=kind == "integer")

    def _set_error(self, item: _Field, message: str | None) -> None:
        error = self.query_one(f"#{item.error_id}", Static)
        error.update(Content(message or ""))
        error.set_class(message is not None, "-shown")
        self.query_one(f"#{item.widget_id}").set_class(message is not None, "-invalid")


def _unchanged_or(value: str, original: str | None) -> str:
    """`original` if the field still shows it as pre-filled, else what was typed."""
    if original is not None and value == shown(original):
        return original
    return value


def _fits(spec: AttributeSpec, value: Any) -> bool:
    """Whether a suggested value can pre-fill a field of this attribute."""
    if spec.type == "number":
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if spec.type == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if spec.type == "boolean":
        return isinstance(value, bool)
    if spec.type == "enum":
        return isinstance(value, str) and value in spec.values
    return isinstance(value, str) and bool(value)


def _format_number(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if value.is_integer() and abs(value) <= SAFE_INTEGER:
            return str(int(value))
    return repr(value)


def _parse_number(text: str, *, integer: bool) -> int | float:
    """The typed value of a number field; ValueError with a message for the user."""
    if integer:
        try:
            number = int(text)
        except ValueError:
            raise ValueError(f"not a whole number: {shown(text, 40)}") from None
        if abs(number) > SAFE_INTEGER:
            raise ValueError("too large: at most 9007199254740991")
        return number
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"not a number: {shown(text, 40)}") from None
    if not math.isfinite(number):
        raise ValueError("must be a finite number")
    if number.is_integer() and abs(number) <= SAFE_INTEGER:
        return int(number)
    return number
