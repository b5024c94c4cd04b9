"""Every test process: jsii (``aws_cdk``) runs on the project's pinned Node, as under ``make``."""

from __future__ import annotations

from stacks.jsii_node import use_project_node

use_project_node()
