"""The validated NEWSDESK_* settings of one crawler (the model is pipelines/config.py)."""

from __future__ import annotations

from pipelines.config import NewsdeskSettings, check_settings


def newsdesk_config(crawler) -> NewsdeskSettings:
    """This crawler's NEWSDESK_* settings, validated once (pipelines/config.py).

    Entry points check them first, for a one-line error and exit 2
    (`check_settings`); this raises the same SettingsError if a crawl was built
    some other way with a bad value."""
    config = getattr(crawler, "_newsdesk_config", None)
    if config is None:
        config = check_settings(crawler.settings, "settings")
        crawler._newsdesk_config = config
    return config
