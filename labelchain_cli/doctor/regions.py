"""Which Ground Truth regions are nearest to an unsupported one, by great-circle distance.

The supported regions are the core's (``SUPPORTED_REGIONS``: where the AWS-owned PRE-/ACS- task Lambdas
exist, ground-truth.md §3.2). The coordinates are the cities AWS names for each region, rounded: enough to
rank neighbours, not to measure latency.
"""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

from labelchain_fn.core.task_types import SUPPORTED_REGIONS

#: (latitude, longitude) of each region's city.
REGION_COORDINATES: dict[str, tuple[float, float]] = {
    "us-east-1": (38.9, -77.4),
    "us-east-2": (40.0, -83.0),
    "us-west-1": (37.4, -122.0),
    "us-west-2": (45.8, -119.7),
    "us-gov-east-1": (40.0, -83.0),
    "us-gov-west-1": (45.8, -119.7),
    "ca-central-1": (45.5, -73.6),
    "ca-west-1": (51.0, -114.1),
    "mx-central-1": (20.6, -100.4),
    "sa-east-1": (-23.5, -46.6),
    "eu-west-1": (53.3, -6.3),
    "eu-west-2": (51.5, -0.1),
    "eu-west-3": (48.9, 2.4),
    "eu-central-1": (50.1, 8.7),
    "eu-central-2": (47.4, 8.5),
    "eu-north-1": (59.3, 18.1),
    "eu-south-1": (45.5, 9.2),
    "eu-south-2": (41.6, -0.9),
    "il-central-1": (32.1, 34.8),
    "me-south-1": (26.1, 50.6),
    "me-central-1": (24.5, 54.4),
    "af-south-1": (-33.9, 18.4),
    "ap-south-1": (19.1, 72.9),
    "ap-south-2": (17.4, 78.5),
    "ap-east-1": (22.3, 114.2),
    "ap-east-2": (25.0, 121.5),
    "ap-southeast-1": (1.35, 103.8),
    "ap-southeast-2": (-33.9, 151.2),
    "ap-southeast-3": (-6.2, 106.8),
    "ap-southeast-4": (-37.8, 145.0),
    "ap-southeast-5": (3.1, 101.7),
    "ap-southeast-6": (-36.8, 174.8),
    "ap-southeast-7": (13.8, 100.5),
    "ap-northeast-1": (35.7, 139.7),
    "ap-northeast-2": (37.6, 127.0),
    "ap-northeast-3": (34.7, 135.5),
    "cn-north-1": (39.9, 116.4),
    "cn-northwest-1": (38.5, 106.3),
}


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(radians, (*a, *b))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * asin(sqrt(h))


def nearest_supported(region: str, count: int = 2) -> list[str]:
    """The ``count`` (default 2) supported regions nearest to ``region``.

    A region without coordinates (a new one) gets the supported regions of its geography prefix
    (``eu-``, ``ap-``...), else ``us-east-1`` and ``eu-west-1``.
    """
    here = REGION_COORDINATES.get(region)
    if here is None:
        prefix = region.split("-", 1)[0] + "-"
        same = [r for r in SUPPORTED_REGIONS if r.startswith(prefix)]
        return (same or ["us-east-1", "eu-west-1"])[:count]
    ranked = sorted(SUPPORTED_REGIONS, key=lambda r: _distance_km(here, REGION_COORDINATES[r]))
    return [r for r in ranked if r != region][:count]
