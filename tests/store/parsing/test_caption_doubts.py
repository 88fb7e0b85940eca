"""When a caption can be read two ways, the reading carries the doubt for the bot to ask."""

from store.parsing.caption import parse_caption


def _doubts(caption, **usual):
    return [(d.kind, d.readings) for d in parse_caption(caption, **usual).doubts]


def test_two_prices_without_a_promotion_word_are_both_offered():
    assert _doubts("Bijou de sac 9€ / 15€ les deux") == [("two_prices", (900, 1500))]


def test_a_worked_out_discount_offers_the_price_before_it_too():
    parsed = parse_caption("Sac à dos 50 € -20 %")
    assert parsed.price_cents == 4000
    assert _doubts("Sac à dos 50 € -20 %") == [("discount", (4000, 5000))]


def test_a_bare_number_after_a_dress_may_be_its_size():
    assert _doubts("Robe 38") == [("price_or_size", (3800,))]
    assert _doubts("Robe 38€") == []


def test_a_price_far_above_the_shops_usual_one_is_questioned():
    assert _doubts("Bougie vanille 1290", usual_cents=1500) == [("far_above_usual", (129000, 1290))]
    assert _doubts("Bougie vanille 12,90", usual_cents=1500) == []
    assert _doubts("Bougie vanille 1290") == []  # a new shop: nothing to compare with


def test_plain_captions_and_clear_promotions_carry_no_doubt():
    for caption in ("Pull en laine rouge 35€", "Pull 35 € → 25 €", "Echarpe 25€ au lieu de 35€"):
        assert parse_caption(caption).doubts == ()


def test_every_kind_of_doubt_has_its_question_in_french_and_english():
    import re

    from handlers.i18n import t
    from store.parsing import caption

    kinds = re.findall(r"`(\w+)` \(", caption.Doubt.__doc__ or "")
    assert len(kinds) == 5
    for kind in kinds:
        for lang in ("fr", "en"):
            text = t(lang, f"m_doubt_{kind}", name="Pull", first="25 €", second="35 €", usual="9 €")
            assert "Pull" in text and "{" not in text


def test_two_prices_side_by_side_are_not_read_as_euros_and_cents():
    assert _doubts("Pull 35€ 40€") == [("two_prices", (3500, 4000))]
    assert parse_caption("Carte 2 € 50").price_cents == 250


def test_a_pasted_wall_of_digits_is_no_price_and_no_crash():
    parsed = parse_caption("1" * 2000)
    assert parsed.price_cents is None and "price_missing" in parsed.problems


def test_a_price_that_is_also_the_size_typed_beside_it_is_questioned():
    assert _doubts("Robe T38 38€") == [("price_or_size", (3800,))]
    assert _doubts("Robe T38 45€") == []


def test_two_bare_numbers_keep_the_first_in_the_name_and_offer_both():
    parsed = parse_caption("Jean 40 35")
    assert (parsed.name, parsed.price_cents) == ("Jean 40", 3500)
    assert _doubts("Jean 40 35") == [("two_prices", (3500, 4000))]
