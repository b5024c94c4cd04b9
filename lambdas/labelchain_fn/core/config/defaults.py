"""The configuration defaults that depend on the task type, and the default fee tiers.

Part of the rule book (:mod:`.fields`): the parser takes a chain's defaults from here, the README's Default
column is rendered from here.
"""

from __future__ import annotations

from decimal import Decimal

from ..task_types import TaskType, TaskTypeSpec

DEFAULT_LABEL_ATTRIBUTE = {
    TaskType.IMAGE_CLASSIFICATION: "label",
    TaskType.BOUNDING_BOX: "bounding-box",
    TaskType.SEMANTIC_SEGMENTATION: "segmentation-ref",
    TaskType.TEXT_CLASSIFICATION: "label",
}
#: The default task title, and the default task description too.
DEFAULT_TITLE = {
    TaskType.IMAGE_CLASSIFICATION: "Classify the image",
    TaskType.BOUNDING_BOX: "Draw a box around each object",
    TaskType.SEMANTIC_SEGMENTATION: "Paint each object",
    TaskType.TEXT_CLASSIFICATION: "Classify the text",
}
#: Default task keywords by the manifest key holding each object (images or inline text).
DEFAULT_KEYWORDS = {"source-ref": ("images",), "source": ("text",)}
#: The default Mechanical Turk price where the task type allows it (else its lowest: :func:`default_price`).
DEFAULT_TASK_PRICE_USD = Decimal("0.036")
#: Default per-object fee tiers: (objects up to, USD per object). ``None`` = no upper bound.
DEFAULT_FEE_TIERS: tuple[tuple[int | None, Decimal], ...] = (
    (50_000, Decimal("0.08")),
    (1_000_000, Decimal("0.04")),
    (None, Decimal("0.02")),
)


def default_price(spec: TaskTypeSpec) -> Decimal:
    """The default public-workforce task price of ``spec``'s task type."""
    prices = spec.allowed_task_prices_usd
    return DEFAULT_TASK_PRICE_USD if DEFAULT_TASK_PRICE_USD in prices else min(prices)
