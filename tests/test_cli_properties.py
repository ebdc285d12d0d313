"""Property: whatever a user feeds the CLI, it answers with an exit code and at most
a usage or one-line error, never a traceback (issue 14).

Each example runs the real `newsdesk` process, so the example counts are small;
the strategies lean on the inputs that broke it before (bytes that are not UTF-8,
NULs, huge durations, negative limits, option-like strings).
"""

from __future__ import annotations

import subprocess

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sitefixtures import NEWSDESK, REPO, newsdesk_env

# argv cannot carry NUL or lone surrogates: everything else may come from a user
ARG_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
SINCE = st.one_of(ARG_TEXT, st.from_regex(r"\A-?[0-9]{1,25}\s?[smhdwy]?\Z"),
                  st.from_regex(r"\A[0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3}(T[0-9:.]{0,12})?Z?\Z"))
LIMIT = st.one_of(ARG_TEXT, st.integers(-10**30, 10**30).map(str))
EXAMPLES = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def no_traceback(result: subprocess.CompletedProcess, allowed=(0, 1, 2)) -> None:
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode in allowed, (result.returncode, result.stderr[-2000:])
    if result.returncode:
        # a usage error (argparse: the usage block, then one error line) or one line of our own
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert lines, result.stderr
        if lines[0].startswith("usage:"):
            assert all(line.startswith(" ") for line in lines[1:-1]), result.stderr
            assert ": error: " in lines[-1], result.stderr
        else:
            assert len(lines) == 1, result.stderr


@EXAMPLES
@given(data=st.binary(max_size=4096) | st.text(max_size=400).map(lambda t: t.encode("cp1252", "ignore")))
def test_any_bytes_as_an_input_file(tmp_path, data):
    path = tmp_path / "input.bin"
    path.write_bytes(data)
    for command in ("clean", "extract"):
        result = subprocess.run([NEWSDESK, command, str(path)], capture_output=True, text=True, cwd=REPO,
                                timeout=120)
        no_traceback(result)


@EXAMPLES
@given(since=SINCE, limit=LIMIT, outlet=ARG_TEXT)
def test_any_since_limit_outlet_for_articles(tmp_path, mongo_uri, db_name, since, limit, outlet):
    (tmp_path / "outlets").mkdir(exist_ok=True)
    env = newsdesk_env(tmp_path, mongo_uri, db_name)
    result = subprocess.run([NEWSDESK, "articles", f"--since={since}", f"--limit={limit}", f"--outlet={outlet}"],
                            env=env, capture_output=True, text=True, cwd=REPO, timeout=120)
    no_traceback(result, allowed=(0, 2))
