"""The block stage of offer decisions (pipelines.offer_classifier): pure functions, no model file."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipelines import offer_classifier as oc
from pipelines.offers_text import ShapePatterns, classify_line

ARTICLE = [
    "The council voted on Tuesday to extend the tram line to the northern suburbs by 2028.",
    "Residents had asked for the extension for more than a decade, officials said at the meeting.",
    "Construction is expected to begin next spring, once the budget has been approved by the state.",
]
OFFER = ["Stay updated", "Email address", "Sign me up", "Privacy notice"]
LIMITS = oc.Thresholds(seed=0.99, low=0.5, guard=1.01, block_low=0.6, block_mean=0.75, block_lines=2)


def _shapes(lines):
    return [oc.line_shape(line, ShapePatterns) for line in lines]


def _decide(lines, probs, text_probs, limits=LIMITS):
    kinds = [classify_line(line) for line in lines]
    rule_kinds = [k for k, _ in kinds]
    return oc.decide_from_scores(np.asarray(probs), lines, _shapes(lines), rule_kinds, [False] * len(lines),
                                 ShapePatterns, limits, np.asarray(text_probs))


def test_a_run_of_offer_lines_goes_whole_even_below_the_seed():
    lines = ARTICLE[:2] + OFFER + ARTICLE[2:]
    probs = [0.0, 0.0, 0.9, 0.9, 0.9, 0.9, 0.0]  # context scores all under the seed
    text = [0.05, 0.05, 0.8, 0.9, 0.7, 0.8, 0.05]
    drop, why = _decide(lines, probs, text)
    assert drop == [False, False, True, True, True, True, False]
    assert why[2:6] == ["offer_block"] * 4


def test_without_the_block_stage_the_same_run_stays():
    lines = ARTICLE[:2] + OFFER + ARTICLE[2:]
    probs = [0.0, 0.0, 0.9, 0.9, 0.9, 0.9, 0.0]
    text = [0.05, 0.05, 0.8, 0.9, 0.7, 0.8, 0.05]
    drop, _ = _decide(lines, probs, text, oc.Thresholds(0.99, 0.5, 1.01))
    assert not any(drop)


def test_a_block_needs_its_mean_and_its_length():
    shapes = _shapes(OFFER)
    assert oc.offer_blocks(np.array([0.65, 0.62, 0.61, 0.63]), shapes, LIMITS) == []  # mean under 0.75
    assert oc.offer_blocks(np.array([0.0, 0.95, 0.0, 0.0]), shapes, LIMITS) == []  # one line is no block
    assert oc.offer_blocks(np.array([0.9, 0.9, 0.0, 0.0]), shapes, LIMITS) == [(0, 1)]


def test_one_short_line_may_sit_inside_a_block_but_a_sentence_may_not():
    # (The mean counts the line between: 0.8 here.)
    lines = ["Sign up for our newsletter", "or", "Subscribe now"]
    assert oc.offer_blocks(np.array([0.95, 0.5, 0.95]), _shapes(lines), LIMITS) == [(0, 2)]
    lines = ["Sign up for our newsletter", ARTICLE[0], "Subscribe now"]
    assert oc.offer_blocks(np.array([0.95, 0.5, 0.95]), _shapes(lines), LIMITS) == []


def test_a_block_ending_above_prose_keeps_its_last_heading_like_line():
    # The "heading over prose" rule gives back a short line above a kept
    # sentence; a line of an offer block is not given back.
    lines = ARTICLE[:1] + ["Newsletter", "Privacy notice"] + ARTICLE[1:]
    drop, _ = _decide(lines, [0.0, 0.9, 0.9, 0.0, 0.0], [0.05, 0.9, 0.8, 0.05, 0.05])
    assert drop == [False, True, True, False, False]


def test_a_short_sentence_grows_a_block_only_with_the_sentence_score():
    lines = ARTICLE[:1] + ["Sign up", "Email address", "Something went wrong, please try again later."] + ARTICLE[1:]
    probs = [0.0, 0.995, 0.995, 0.85, 0.0, 0.0]
    text = [0.0, 0.0, 0.0, 0.7, 0.0, 0.0]  # the sentence's own words read as an offer
    grow = oc.Thresholds(0.99, 0.5, 1.01, block_low=0.6, grow_sentence=0.8)  # block_mean 1.01: no blocks
    assert _decide(lines, probs, text, grow)[0] == [False, True, True, True, False, False]
    assert _decide(lines, probs, text, oc.Thresholds(0.99, 0.5, 1.01, block_low=0.6))[0][3] is False
    # Not when its own words do not read as an offer (an article's short
    # sentence next to an offer scores high by its neighbours alone) ...
    assert _decide(lines, probs, [0.0] * 6, grow)[0][3] is False
    # ... nor when it is long, or reports.
    for sentence in (ARTICLE[1], "The mayor said the city had no choice given falling tax revenue."):
        lines[3] = sentence
        assert _decide(lines, probs, text, grow)[0][3] is False


def test_block_limits_survive_save_and_load(tmp_path):
    model = oc.default_model()
    assert model is not None
    model = oc.OfferModel(**{**{f: getattr(model, f) for f in (
        "text_weights", "text_bias", "context_weights", "context_bias", "context_mean", "context_scale",
        "threshold", "low_threshold", "meta", "guard_threshold")}, "block_low": 0.55, "block_mean": 0.8,
        "block_lines": 3, "grow_sentence": 0.85, "heading_guard": 0.97})
    model.save(tmp_path / "m.npz")
    back = oc.OfferModel.load(tmp_path / "m.npz")
    assert back.limits() == oc.Thresholds(model.threshold, model.low_threshold, model.guard_threshold,
                                          0.55, 0.8, 3, 0.85, 0.97)


def test_a_lone_heading_between_sentences_goes_only_with_the_heading_guard():
    # "Newsletter" alone between two paragraphs: an article's section title
    # unless the model is as sure as the heading guard asks.
    lines = ARTICLE[:2] + ["Newsletter"] + ARTICLE[2:]
    probs, text = [0.0, 0.0, 0.98, 0.0], [0.05, 0.05, 0.99, 0.05]
    assert _decide(lines, probs, text)[0] == [False] * 4  # heading_guard 1.01: never
    sure = oc.Thresholds(0.9, 0.5, 1.01, heading_guard=0.95)
    assert _decide(lines, probs, text, sure)[0] == [False, False, True, False]
    assert _decide(lines, [0.0, 0.0, 0.93, 0.0], text, sure)[0] == [False] * 4
    # The guard for reports stays apart: a sentence that reports is kept.
    report = ARTICLE[:2] + ["The newspaper said subscriptions rose by a third last year."] + ARTICLE[2:]
    assert _decide(report, probs, text, sure)[0][2] is False


def test_clauses_split_long_lines_of_several_sentences_only():
    assert oc.clauses("Stay updated. Sign up now.") == []  # short: the line is scored whole
    long = "The council met on Tuesday to discuss the budget. Subscribe to our channel for the latest news."
    assert oc.clauses(long) == ["The council met on Tuesday to discuss the budget.",
                                "Subscribe to our channel for the latest news."]
    one = "The council met on Tuesday to discuss the budget for next year and the tram line extension"
    assert oc.clauses(one) == []


def test_clause_logits_take_the_highest_sentence_score():
    long = "The council met on Tuesday to discuss the budget. Subscribe to our channel for the latest news."
    lines = ["Sign in", long]
    scores = {"The council met on Tuesday to discuss the budget.": -3.0,
              "Subscribe to our channel for the latest news.": 2.5}
    out = oc.clause_logits(np.array([1.0, -2.0]), lines, lambda parts: np.array([scores[p] for p in parts]))
    assert out.tolist() == [1.0, 2.5]
    # A line whose own score is higher than any of its sentences' keeps its own.
    assert oc.clause_logits(np.array([1.0, 3.0]), lines, lambda parts: np.array([scores[p] for p in parts]))[1] == 3.0


def test_a_sentence_between_two_dropped_lines_goes_only_with_sandwich_words():
    # A newsletter's one-line pitch between its name and its button.
    pitch = "Make sense of the week's climate news with our reporters every Friday."
    lines = ARTICLE[:2] + ["Sign up for Climate Weekly", pitch, "Sign up"] + ARTICLE[2:]
    probs, text = [0.0, 0.0, 0.995, 0.01, 0.995, 0.0], [0.05, 0.05, 0.9, 0.2, 0.9, 0.05]
    assert _decide(lines, probs, text)[0][3] is False  # sandwich_words 0: off
    on = oc.Thresholds(0.99, 0.5, 1.01, sandwich_words=25)
    drop, why = _decide(lines, probs, text, on)
    assert drop == [False, False, True, True, True, False] and why[3] == "between_dropped_lines"
    # Longer than the limit, or a report, it stays.
    assert _decide(lines, probs, text, oc.Thresholds(0.99, 0.5, 1.01, sandwich_words=8))[0][3] is False
    report = ARTICLE[:2] + ["Sign up for Climate Weekly", "The agency said on Monday that emissions rose 3 percent.",
                            "Sign up"] + ARTICLE[2:]
    assert _decide(report, probs, text, on)[0][3] is False


def test_a_heading_that_opens_a_dropped_run_goes_with_lead_heading():
    lines = ARTICLE[:2] + ["Stay in the loop", "The email you need for the day", "Sign up"] + ARTICLE[2:]
    probs, text = [0.0, 0.0, 0.01, 0.995, 0.995, 0.0], [0.05, 0.05, 0.35, 0.9, 0.9, 0.05]
    assert _decide(lines, probs, text)[0][2] is False  # lead_heading 1.01: off
    drop, why = _decide(lines, probs, text, oc.Thresholds(0.99, 0.5, 1.01, lead_heading=0.3))
    assert drop[2:5] == [True, True, True] and why[2] == "opens_offer_block"
    # Its own words must read as an offer.
    assert _decide(lines, probs, text, oc.Thresholds(0.99, 0.5, 1.01, lead_heading=0.5))[0][2] is False


def test_a_heading_over_reporting_on_its_topic_stays_whatever_the_heading_guard():
    lines = ARTICLE[:2] + ["Subscription prices",
                           "Analysts said subscribers were unlikely to cancel in large numbers, the report found."]
    probs, text = [0.0, 0.0, 0.997, 0.0], [0.05, 0.05, 0.99, 0.05]
    sure = oc.Thresholds(0.9, 0.5, 1.01, heading_guard=0.8)
    assert _decide(lines, probs, text, sure)[0] == [False] * 4
    # The same heading over an unrelated paragraph goes.
    other = ARTICLE[:2] + ["Subscription prices"] + ARTICLE[2:]
    assert _decide(other, probs, text, sure)[0] == [False, False, True, False]


def test_older_model_files_load_with_the_edge_limits_off():
    assert oc._block_limits({"block_limits": np.array([0.4, 0.7, 2, 0.8, 0.9])})["sandwich_words"] == 0
    assert oc._block_limits({"block_limits": np.array([0.4, 0.7, 2, 0.8, 0.9])})["lead_heading"] == 1.01


def test_a_line_the_lexicon_decides_alone_stays_out_of_the_block_edges():
    # Another script between two dropped lines: the model has no evidence on
    # it, whatever its score, so the sandwich rule leaves it too.
    lines = ARTICLE[:2] + ["Sign up for Climate Weekly", "समाचार पत्र की सदस्यता लें", "Sign up"] + ARTICLE[2:]
    probs, text = [0.0, 0.0, 0.995, 0.01, 0.995, 0.0], [0.05, 0.05, 0.9, 0.2, 0.9, 0.05]
    assert _decide(lines, probs, text, oc.Thresholds(0.99, 0.5, 1.01, sandwich_words=25))[0][3] is False


def test_a_line_that_carries_on_a_dropped_sentence_goes_with_continuations():
    # One offer sentence split over inline elements: the model scores the parts
    # apart, and the last reads like news.
    lines = ARTICLE[:2] + ["Subscribe now to our", "eNATION", "edition for the full story."] + ARTICLE[2:]
    probs, text = [0.0, 0.0, 0.995, 0.6, 0.0, 0.0], [0.05, 0.05, 0.99, 0.4, 0.2, 0.05]
    drop, _ = _decide(lines, probs, text)
    assert drop == [False, False, True, True, False, False]  # continuations off
    drop, why = _decide(lines, probs, text, replace(LIMITS, continuations=True))
    assert drop == [False, False, True, True, True, False] and why[4] == "continues_offer_line"
    # The other way round: a line whose sentence a dropped line carries on.
    back = ARTICLE[:2] + ["Perché qualcun altro legge con questo account su più di",
                            "due dispositivi: passa al piano Premium."] + ARTICLE[2:]
    drop, why = _decide(back, [0.0, 0.0, 0.2, 0.995, 0.0], [0.05, 0.05, 0.3, 0.9, 0.05],
                        replace(LIMITS, continuations=True))
    assert drop == [False, False, True, True, False] and why[2] == "continues_offer_line"


def test_carrying_on_needs_an_open_sentence_and_a_lower_case_start():
    assert oc._carries_on("edition for the full story.") and oc._carries_on(", an unmissable round-up.")
    assert not oc._carries_on("eBay said on Monday") and not oc._carries_on("iPhone sales fell")
    assert not oc._carries_on("The council met") and not oc._carries_on("2024 was a year")
    # The dropped line above ends its sentence: the next line is the article's.
    lines = ARTICLE[:2] + ["Sign up for our newsletter.", "and the mayor said so too."] + ARTICLE[2:]
    drop, _ = _decide(lines, [0.0, 0.0, 0.995, 0.0, 0.0], [0.05, 0.05, 0.99, 0.05, 0.05],
                      replace(LIMITS, continuations=True))
    assert drop == [False, False, True, False, False]


def test_a_short_line_under_a_dropped_run_goes_with_tail_line():
    lines = ARTICLE[:2] + ["Sign up for Climate Weekly", "Email address", "Leave this field blank"] + ARTICLE[2:]
    probs, text = [0.0, 0.0, 0.995, 0.995, 0.01, 0.0], [0.05, 0.05, 0.9, 0.9, 0.3, 0.05]
    assert _decide(lines, probs, text)[0][4] is False  # tail_line 1.01: off
    drop, why = _decide(lines, probs, text, replace(LIMITS, tail_line=0.3))
    assert drop == [False, False, True, True, True, False] and why[4] == "closes_offer_block"
    # Its own words must read as an offer: an article's next section title stays.
    assert _decide(lines, probs, [0.05, 0.05, 0.9, 0.9, 0.1, 0.05], replace(LIMITS, tail_line=0.3))[0][4] is False


def test_older_model_files_load_with_the_tail_limits_off():
    limits = oc._block_limits({"block_limits": np.array([0.4, 0.7, 2, 0.8, 0.9, 40, 0.1])})
    assert (limits["tail_line"], limits["continuations"], limits["agreeing_seed"]) == (1.01, False, 1.01)


def test_a_fragment_that_carries_on_an_offer_goes_although_it_reads_as_a_report_alone():
    # "consultar aquí ..." alone has offer words and does not address the
    # reader, so the weak test calls it a report; it is the end of the
    # dropped line's sentence.
    lines = ARTICLE[:2] + ["Si decides continuar, este mensaje se mostrará en tu dispositivo y",
                           "consultar aquí los términos y condiciones de la suscripción digital."] + ARTICLE[2:]
    probs, text = [0.0, 0.0, 0.995, 0.999, 0.0], [0.05, 0.05, 0.9, 0.9, 0.05]
    drop, why = _decide(lines, probs, text, replace(LIMITS, continuations=True))
    assert drop == [False, False, True, True, False] and why[3] == "continues_offer_line"
    # One that reports in so many words stays.
    said = lines[:3] + ["said the subscription manager in a statement on Monday."] + ARTICLE[2:]
    assert _decide(said, probs, text, replace(LIMITS, continuations=True))[0][3] is False


def test_a_heading_over_a_dropped_pitch_sentence_opens_the_block():
    pitch = "Get our newsletter on energy and climate in your inbox every weekday."
    lines = ARTICLE[:2] + ["Daily decision-makers briefing", pitch] + ARTICLE[2:]
    probs, text = [0.0, 0.0, 0.01, 0.995, 0.0], [0.05, 0.05, 0.3, 0.9, 0.05]
    drop, why = _decide(lines, probs, text, replace(LIMITS, lead_heading=0.1))
    assert drop == [False, False, True, True, False] and why[2] == "opens_offer_block"
    # Over one dropped line that is no sentence (a button), a heading stays:
    # it may be the article's next section title.
    button = ARTICLE[:2] + ["Daily decision-makers briefing", "Sign up"] + ARTICLE[2:]
    assert _decide(button, probs, text, replace(LIMITS, lead_heading=0.1))[0][2] is False


def test_small_print_under_a_dropped_form_goes_when_both_models_agree():
    small = "Fields marked with * are required. Unsubscribing is possible at any time via a link in the newsletter."
    lines = ARTICLE[:2] + ["Sign up for Climate Weekly", "Email address", small] + ARTICLE[2:]
    probs, text = [0.0, 0.0, 0.995, 0.995, 0.999, 0.0], [0.05, 0.05, 0.9, 0.9, 0.95, 0.05]
    drop, why = _decide(lines, probs, text)
    assert drop == [False, False, True, True, True, False] and why[4] == "offer_small_print"
    # Alone between paragraphs, or with words that read less as an offer, it stays.
    alone = ARTICLE[:2] + [small] + ARTICLE[2:]
    assert _decide(alone, [0.0, 0.0, 0.999, 0.0], [0.05, 0.05, 0.95, 0.05])[0][2] is False
    assert _decide(lines, probs, [0.05, 0.05, 0.9, 0.9, 0.6, 0.05])[0][4] is False


def test_a_heading_and_its_pitch_over_a_dropped_form_open_the_block():
    pitch = "Read about power and its abuse, and about people who make a difference."
    lines = ARTICLE[:2] + ["The Weekly Inbox", pitch, "First name", "Email address (required)"] + ARTICLE[2:]
    probs, text = [0.0, 0.0, 0.01, 0.05, 0.995, 0.995, 0.0], [0.05, 0.05, 0.5, 0.13, 0.9, 0.9, 0.05]
    edges = replace(LIMITS, lead_heading=0.3, sandwich_words=25)
    drop, why = _decide(lines, probs, text, edges)
    assert drop == [False, False, True, True, True, True, False] and why[2] == why[3] == "opens_offer_block"
    # Without the heading's offer words, or with a pitch longer than the limit, both stay.
    assert _decide(lines, probs, [0.05, 0.05, 0.2, 0.13, 0.9, 0.9, 0.05], edges)[0][2:4] == [False, False]
    assert _decide(lines, probs, text, replace(edges, sandwich_words=8))[0][2:4] == [False, False]


def test_a_line_both_models_lean_towards_goes_with_agreeing_seed():
    lines = ARTICLE[:2] + ["Registration is a free and easy way to support our journalism."] + ARTICLE[2:]
    probs = [0.0, 0.0, 0.96, 0.0]
    assert _decide(lines, probs, [0.05, 0.05, 0.85, 0.05])[0][2] is False  # below the seed
    agreeing = replace(LIMITS, agreeing_seed=0.95)
    assert _decide(lines, probs, [0.05, 0.05, 0.85, 0.05], agreeing)[0] == [False, False, True, False]
    # Either score alone is not enough.
    assert _decide(lines, probs, [0.05, 0.05, 0.5, 0.05], agreeing)[0][2] is False
    assert _decide(lines, [0.0, 0.0, 0.9, 0.0], [0.05, 0.05, 0.85, 0.05], agreeing)[0][2] is False
