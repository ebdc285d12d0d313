"""Process-level tuning in crawlers/runtime.py."""

from __future__ import annotations

import platform

import pytest

from crawlers.workers import limit_heap_growth


def test_heap_limit_off_when_zero():
    assert limit_heap_growth(0) is False


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_heap_limit_applies_on_glibc():
    assert limit_heap_growth(131072) is True
