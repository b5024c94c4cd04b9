"""The default worker UI templates: one per auto-labeling task type, with the crowd element it needs."""

from __future__ import annotations

import pytest
from labelchain_fn.core.task_types import TaskType
from labelchain_fn.handlers.prepare_steps import default_template

LABELS = 'labels="{{ task.input.labels | to_json | escape }}"'
CATEGORIES = 'categories="{{ task.input.labels | to_json | escape }}"'
IMAGE = 'src="{{ task.input.taskObject | grant_read_access }}"'


@pytest.mark.parametrize(
    ("task_type", "element", "expected"),
    [
        (TaskType.IMAGE_CLASSIFICATION, "crowd-image-classifier", (IMAGE, CATEGORIES)),
        (TaskType.BOUNDING_BOX, "crowd-bounding-box", (IMAGE, LABELS)),
        (TaskType.SEMANTIC_SEGMENTATION, "crowd-semantic-segmentation", (IMAGE, LABELS)),
        (TaskType.TEXT_CLASSIFICATION, "crowd-classifier", (CATEGORIES, "{{ task.input.taskObject }}")),
    ],
)
def test_template_uses_the_task_types_crowd_element(
    task_type: TaskType, element: str, expected: tuple[str, ...]
) -> None:
    # GIVEN the default template of a task type
    html = default_template(task_type.value).decode()
    # THEN it loads the crowd elements, wraps the task's element in a form, and binds the task input
    assert '<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>' in html
    assert f"<{element}" in html and f"</{element}>" in html and "<crowd-form>" in html
    assert all(binding in html for binding in expected)
    assert "<short-instructions>" in html and "<full-instructions" in html


def test_every_task_type_has_a_template() -> None:
    assert all(default_template(t.value) for t in TaskType)
