"""Read back the CloudWatch embedded-metric-format (EMF) documents Powertools prints to stdout."""

from __future__ import annotations

from dataclasses import dataclass

from lambda_fakes import emitted_metrics


@dataclass(frozen=True)
class MetricPoint:
    """One value of an EMF document, as CloudWatch would store it."""

    namespace: str
    name: str
    unit: str
    dimensions: dict[str, str]
    value: float


def metric_points(stdout: str) -> list[MetricPoint]:
    """Every metric value Powertools printed, with its namespace, unit and dimensions, in order."""
    points = []
    for document in emitted_metrics(stdout):
        for directive in document["_aws"]["CloudWatchMetrics"]:
            (dimension_names,) = directive["Dimensions"]
            dimensions = {name: document[name] for name in dimension_names}
            for metric in directive["Metrics"]:
                values = document[metric["Name"]]
                for value in values if isinstance(values, list) else [values]:
                    points.append(
                        MetricPoint(directive["Namespace"], metric["Name"], metric["Unit"], dimensions, value)
                    )
    return points


def chain_point(name: str, value: float, unit: str = "Count", chain: str = "birds") -> MetricPoint:
    """The point of a per-chain metric (dimensions ``chain`` and ``service``)."""
    return MetricPoint("LabelChain", name, unit, {"chain": chain, "service": "labelchain"}, value)


def service_point(name: str, value: float, unit: str = "Count") -> MetricPoint:
    """The point of a pipeline-wide metric (dimension ``service`` only)."""
    return MetricPoint("LabelChain", name, unit, {"service": "labelchain"}, value)


def chain_metric_names(stdout: str, chain: str = "birds") -> list[str]:
    """The names of the per-chain metric values printed for ``chain``, in order."""
    return [p.name for p in metric_points(stdout) if p.dimensions.get("chain") == chain]
