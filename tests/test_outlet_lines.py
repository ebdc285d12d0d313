from pipelines.outlet_lines import OutletLines, article_line_keys, line_key, strip_outlet_lines

FURNITURE = "Download our app for the latest news and alerts"


TOPICS = ["harbour", "budget", "railway", "election", "weather", "football", "museum", "hospital",
          "bridge", "festival"]


def story(n: int) -> str:
    return f"The {TOPICS[n]} story begins with its own opening sentence.\n{FURNITURE}\nClosing line on {TOPICS[n]}."


def test_line_key_ignores_case_digits_punctuation_and_short_lines():
    assert line_key("Updated 12:30, Nov 3") == line_key("updated 09:15 - Nov 28")
    assert line_key("Short") is None
    assert line_key("x" * 500) is None


def test_a_line_in_most_articles_is_learned_and_stripped():
    known = OutletLines()
    for n in range(6):
        known.learn(article_line_keys(story(n)))
    body, removed = strip_outlet_lines(story(7), known)
    assert FURNITURE not in body and removed == [{"text": FURNITURE, "reason": "outlet_boilerplate"}]
    assert "The hospital story" in body


def test_nothing_is_judged_before_enough_articles_or_for_rare_lines():
    known = OutletLines()
    for n in range(3):
        known.learn(article_line_keys(story(n)))
    assert strip_outlet_lines(story(9), known) == (story(9), [])
    for n in range(3, 20):
        known.learn(article_line_keys(f"Unique opening of story {n} about a different topic entirely.\nEnd {n}."))
    assert FURNITURE in strip_outlet_lines(story(9), known)[0]  # 3 of 20 articles: not furniture


def test_counts_round_trip_through_the_database(mongo_db):
    from collections import Counter

    from pipelines.outlet_lines_store import load_outlet_lines, save_learned

    learned = Counter()
    for n in range(6):
        learned.update(article_line_keys(story(n)))
    save_learned(mongo_db, "o", learned, 6)
    save_learned(mongo_db, "o", Counter({line_key(FURNITURE): 1}), 1)
    known = load_outlet_lines(mongo_db, "o")
    assert known.articles == 7
    assert known.counts == {line_key(FURNITURE): 7}  # unique lines (count 1) are not loaded
    assert load_outlet_lines(mongo_db, "other").articles == 0


def test_big_runs_save_only_lines_seen_more_than_once():
    from pipelines.outlet_lines import SAVE_SINGLETONS_BELOW, worth_saving

    learned = {"furniture": 12, "paragraph-a": 1, "paragraph-b": 1, "pair": 2}
    assert worth_saving(learned, 40) == {"furniture": 12, "pair": 2}
    # an incremental run with a couple of new articles keeps everything: counts add up across runs
    assert worth_saving(learned, SAVE_SINGLETONS_BELOW - 1) == learned
