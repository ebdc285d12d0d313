import pytest

from pipelines.outlets import (
    BUILTIN_DIR,
    OutletConfigError,
    load_outlet_file,
    load_outlets,
    outlet_dirs,
)

MINIMAL = '''
name = "minimal"
domains = ["example.com"]
sections = ["https://www.example.com/news/"]
article_pattern = '/news/\\d+/'
'''


def write(tmp_path, text, name="o.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_four_required_keys_are_enough(tmp_path):
    spec = load_outlet_file(write(tmp_path, MINIMAL))
    assert spec.name == "minimal"
    assert spec.owns_url("https://www.example.com/news/1/")
    assert not spec.owns_url("https://evil-example.com/news/1/")
    assert spec.allow_private_network is False
    assert spec.politeness.obey_robots_txt is True


@pytest.mark.parametrize("text, key, reason", [
    (MINIMAL.replace('name = "minimal"', ""), "name", "required key is missing"),
    (MINIMAL.replace("'/news/\\d+/'", "'/news/(['"), "article_pattern", "not a valid regular expression"),
    (MINIMAL.replace('"https://www.example.com/news/"', '"ftp://example.com/"'), "sections", "not an http(s) URL"),
    (MINIMAL + 'colour = "red"\n', "colour", "unknown key"),
    (MINIMAL.replace('"https://www.example.com/news/"', '"https://other.org/news/"'), "(file)", "not on the outlet's domains"),
    (MINIMAL + 'timezone = "Mars/Olympus"\n', "timezone", "not an IANA time zone"),
    ("name = [", "(file)", "not valid TOML"),
])
def test_bad_file_gives_one_line_naming_file_key_reason(tmp_path, text, key, reason):
    path = write(tmp_path, text)
    with pytest.raises(OutletConfigError) as err:
        load_outlet_file(path)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {key}: ") or (key == "(file)" and message.startswith(f"{path}: "))
    assert reason in message


def test_outlets_path_adds_directories(tmp_path, monkeypatch):
    write(tmp_path, MINIMAL, "minimal.toml")
    monkeypatch.setenv("NEWSDESK_OUTLETS_PATH", str(tmp_path))
    assert outlet_dirs()[-1] == tmp_path
    assert "minimal" in load_outlets()


def test_builtin_outlets_all_valid():
    outlets = load_outlets([BUILTIN_DIR])
    assert "business-standard" in outlets
    assert len(outlets) >= 8
    for spec in outlets.values():
        assert len(spec.sections) >= 2, spec.name
        assert not spec.allow_private_network
