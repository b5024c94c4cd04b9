"""The priced idle month and its two renderings: a JSON-ready dict and a text table.

Amounts are exact ``Decimal`` products of quantity and list price; they are rounded only when rendered
(JSON: 6 decimal places, half up; table: 4 decimal places per row, cents for the totals).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from scripts.idle_prices import HOURS_PER_MONTH, Price


@dataclass(frozen=True)
class CostLine:
    """One row: ``quantity`` units a month at the list price ``price_key``."""

    item: str
    quantity: Decimal
    price_key: str
    price: Price

    @property
    def monthly_usd(self) -> Decimal:
        """List-price cost of the row, before any free tier."""
        return self.quantity * self.price.usd


@dataclass(frozen=True)
class IdleCost:
    """The rows, both totals and the assumptions of one template's idle month."""

    region: str
    lines: tuple[CostLine, ...]
    free_tier_usd: tuple[Decimal, ...]
    assumptions: tuple[str, ...]

    @property
    def total_usd(self) -> Decimal:
        """Sum of the rows at list price."""
        return sum((line.monthly_usd for line in self.lines), Decimal(0))

    @property
    def total_with_free_tier_usd(self) -> Decimal:
        """Sum of the rows once the always-free allowances are used up."""
        return sum(self.free_tier_usd, Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: region, hours per month, the rows, both totals and the assumptions."""
        rows = [
            {
                "item": line.item,
                "quantity": _num(line.quantity),
                "unit": line.price.unit,
                "unitPriceUsd": _num(line.price.usd),
                "monthlyUsd": _num(line.monthly_usd),
                "monthlyUsdWithFreeTier": _num(free),
                "price": line.price_key,
            }
            for line, free in zip(self.lines, self.free_tier_usd, strict=True)
        ]
        return {
            "region": self.region,
            "hoursPerMonth": int(HOURS_PER_MONTH),
            "lines": rows,
            "totalUsd": _num(self.total_usd),
            "totalUsdWithFreeTier": _num(self.total_with_free_tier_usd),
            "assumptions": list(self.assumptions),
        }


def _num(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))


def _quantity(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0")


def _usd(value: Decimal) -> str:
    cents = value.quantize(Decimal("0.01"))
    return f"${cents}" if cents == value else f"${value.normalize():f}"


def render_table(cost: IdleCost) -> str:
    """The rows as a text table: item, quantity and unit, unit price, monthly USD, with free tier."""
    header = ("Item", "Quantity", "Unit price", "Monthly USD", "With free tier")
    rows = [
        (
            line.item,
            f"{_quantity(line.quantity)} {line.price.unit}",
            _usd(line.price.usd),
            f"{line.monthly_usd:.4f}",
            f"{free:.4f}",
        )
        for line, free in zip(cost.lines, cost.free_tier_usd, strict=True)
    ]
    total = ("Total", "", "", f"{cost.total_usd:.2f}", f"{cost.total_with_free_tier_usd:.2f}")
    widths = [max(len(row[i]) for row in [header, *rows, total]) for i in range(len(header))]

    def fmt(row: tuple[str, ...]) -> str:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([fmt(header), rule, *map(fmt, rows), rule, fmt(total)])
