from pipelines import embedded_db


def test_default_data_dir_honours_newsdesk_home(tmp_path):
    assert embedded_db.default_data_dir({"NEWSDESK_HOME": str(tmp_path)}) == tmp_path / "db"


def test_default_data_dir_falls_back_to_xdg(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path)}
    assert embedded_db.default_data_dir(env) == tmp_path / "newsdesk" / "db"
