"""`{% load attempt_page %}` then `{% question_map map %}`: the attempt page's question map.

The map is one button per question (50 on a long quiz) and every page of the attempt shows it.
Through the template engine each button cost some forty node renders (and a localised number
format per `{{ slot }}`): most of the page's rendering time. Built here as plain strings, it is
the same markup for a fraction of the CPU.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def question_map(items: list[dict]) -> SafeString:
    """One `<li>` per question: a submit button of the answer form that goes to its slot,
    labelled with its state (answered, flagged) and marked as the current step.

    Nothing here needs escaping: the markup holds only the slot numbers (`int()`, so never
    text) and fixed words.
    """
    return mark_safe("\n".join(_map_item(item) for item in items))  # noqa: S308


def _map_item(item: dict) -> str:
    slot = int(item["slot"])
    classes = "map-item"
    state = "answered"
    if item["answered"]:
        classes += " is-answered"
    else:
        state = "not answered"
    if item["flagged"]:
        classes += " is-flagged"
        state += ", flagged"
    current = ' aria-current="step"' if item["current"] else ""
    return (
        f'<li><button type="submit" form="answer-form" name="goto" value="{slot}" '
        f'id="map-{slot}" class="{classes}" aria-label="Question {slot}, {state}"{current}>'
        f"{slot}</button></li>"
    )
