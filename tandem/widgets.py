"""A form renderer that writes the plain input and select widgets in Python.

Django renders every widget, and every option of a select, through its templates: a filter
form of ten selects cost a page 4 ms. `PythonWidgets` writes the same markup from the same
widget context (Django still builds the attributes, the options and which one is selected),
every value escaped as the templates escape it, and hands any other template to Django.
A form opts in with `default_renderer = PythonWidgets()`.
"""

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape

_INPUTS = frozenset(
    f"django/forms/widgets/{name}.html" for name in ("input", "text", "number", "date")
)
_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict[str, Any]) -> str:
    """`django/forms/widgets/attrs.html`: a True value as the bare name, False left out."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict[str, Any]) -> str:
    value = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}"'
        f' name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _option(option: dict[str, Any]) -> str:
    return (
        f'<option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def _select(widget: dict[str, Any]) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts += [f"\n  {_option(option)}\n" for option in group_choices]
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class PythonWidgets(DjangoTemplates):
    """Django's templates renderer, with the input and select widgets written in Python."""

    def render(self, template_name: str, context: dict, request: Any = None) -> str:
        widget = context.get("widget")
        if widget is not None and template_name in _INPUTS:
            return _input(widget)
        if (
            widget is not None
            and template_name == _SELECT
            and all(
                option["template_name"] == _OPTION
                for _, options, _ in widget["optgroups"]
                for option in options
            )
        ):
            return _select(widget)
        return super().render(template_name, context, request)
