"""Moved to pipelines/outlets.py (outlets are data, needed by the pure extraction code).

Kept only so that code written against the old path keeps working while it is
updated; import `pipelines.outlets` in new code. Remove once nothing imports it.
"""

from pipelines.outlets import *  # noqa: F403
