"""SNS notifications. Publishing is best effort: a failed publish is logged and counted, never raised,
because a lost e-mail must not fail the records and callbacks around it."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from labelchain_fn.adapters import clients
from labelchain_fn.core.message_format import MAX_SUBJECT, fit_subject

__all__ = ["MAX_SUBJECT", "Notifier"]

logger = logging.getLogger(__name__)


class Notifier:
    """Publishes to the pipeline's topic.

    Parameters
    ----------
    topic_arn : the SNS topic (``TOPIC_ARN``).
    client : boto3 SNS client; default the shared client.

    Attributes
    ----------
    failed : publishes that failed in this container (the handlers turn it into a metric).
    """

    def __init__(self, topic_arn: str, client: Any | None = None) -> None:
        self.topic_arn = topic_arn
        self.client = client or clients.client("sns")
        self.failed = 0

    def publish(self, subject: str, message: str | Mapping[str, Any]) -> bool:
        """Publish ``message`` (plain text; a mapping is sent as indented JSON) under ``subject`` made to fit
        SNS (one ASCII line of at most 100 characters, see ``core.message_format.fit_subject``).

        Returns
        -------
        bool
            True when SNS accepted it; False (logged, ``failed`` incremented) on any error.
        """
        body = message if isinstance(message, str) else json.dumps(message, indent=2, default=str)
        try:
            self.client.publish(TopicArn=self.topic_arn, Subject=fit_subject(subject), Message=body)
        except Exception:
            self.failed += 1
            logger.exception("notification not published", extra={"subject": subject})
            return False
        return True
