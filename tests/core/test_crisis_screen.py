"""Focused tests of the crisis screen: normalisation, negation scope, context and levels."""

from __future__ import annotations

import time

import pytest

from bot.core.crisis_screen import Level, Screen, screen_text
from bot.core.crisis_screen.fuzzy import edit_distance
from bot.core.crisis_screen.lexicon import category_names, load_lexicon, read_file
from bot.core.crisis_screen.normalise import normalise
from bot.core.crisis_screen.result import URGENT_CATEGORIES
from bot.core.crisis_screen.rules import listed, prepare


def norm(text: str) -> str:
    return normalise(text, load_lexicon().vocabulary)


# --- normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I DON’T want to", "i dont want to"),
        ("k1ll mys3lf", "kill myself"),
        ("$u1c1d3", "suicide"),
        ("k!ll myself", "kill myself"),
        ("s*icide", "suicide"),
        ("dieeeeee", "die"),
        ("killllll", "kill"),
        ("pleaseeee", "please"),
        ("s u i c i d e", "suicide"),
        ("s.u.i.c.i.d.e", "suicide"),
        ("k m s", "kms"),
        ("su\u200bi\u200ccide", "suicide"),
        ("ѕuісіdе", "suicide"),  # Cyrillic look-alikes
        ("ｓｕｉｃｉｄｅ", "suicide"),  # full width
        ("𝐤𝐢𝐥𝐥 𝐦𝐲𝐬𝐞𝐥𝐟", "kill myself"),  # mathematical bold
        ("ɪ ᴡᴀɴᴛ ᴛᴏ ᴅɪᴇ", "i want to die"),  # small capitals
        ("🅳🅸🅴", "die"),  # letters in black squares
        ("🅓🅘🅔", "die"),  # letters in black circles
        ("🇩🇮🇪", "die"),  # three regional-indicator letters
        ("off to 🇳🇴", "off to"),  # two are a flag
        ("k̶i̶l̶l̶ myself", "kill myself"),  # struck through
        ("suicidé", "suicide"),
        ("sucidal", "suicidal"),
        ("myslef", "myself"),
        ("s/h", "sh"),
        ("I ran 10km!", "i ran 10km ."),
        ("wait. what", "wait . what"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert norm(text) == expected


@pytest.mark.parametrize("word", ["overdone", "himself", "homeless", "mostly", "helpless"])
def test_fuzzy_matching_leaves_everyday_words_alone(word: str) -> None:
    assert norm(word) == word


def test_edit_distance_counts_swaps_once() -> None:
    assert edit_distance("myself", "myslef") == 1
    assert edit_distance("suicide", "suicide") == 0
    assert edit_distance("kitten", "sitting") == 3


@pytest.mark.parametrize(
    "text",
    ["killmyself", "i wanna dieeee", "su1c1dal", "k m s", "i want to unalive", "im gonna kms"],
)
def test_spellings_that_dodge_filters_still_match(text: str) -> None:
    assert screen_text(text)


# --- negation scope -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I would never kill myself",
        "I'm not suicidal",
        "no thoughts of hurting myself, just tired",
        "I don't want to die, I want things to get better",
        "I'd never hurt myself, don't worry",
    ],
)
def test_denials_do_not_match(text: str) -> None:
    assert not screen_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'd never hurt myself but I have been cutting again",
        "I don't want to be here anymore",
        "I'm not okay. I want to die",
        "I don't want to kill myself but the thoughts keep coming",
        "not gonna lie, I want to die",
    ],
)
def test_denials_govern_only_their_own_clause(text: str) -> None:
    assert screen_text(text)


# --- speaker context and hyperbole ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "As a nurse I work with suicidal patients every day",
        "watched a documentary about suicide prevention, really moving",
        "my dad took his own life ten years ago today and I miss him",
        "5 years clean from self harm today!",
        "this deadline is killing me",
        "kill me now lol the printer jammed again",
        "i'll die if he sees this",
        "dying of laughter",
        "I killed it at the presentation",
        "bye, talk tomorrow!",
    ],
)
def test_context_and_hyperbole_do_not_match(text: str) -> None:
    assert not screen_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "my mum is moving out",
        "my friend is breathing again, thank god",
        "my dad is answering emails",
    ],
)
def test_what_someone_else_is_doing_is_not_danger_unless_it_stopped(text: str) -> None:
    assert screen_text(text).level is not Level.URGENT


def test_a_film_plot_is_not_danger_now_but_wanting_to_do_the_same_is() -> None:
    assert not screen_text("in the film a man is about to kill himself but his dog saves him")
    screen = screen_text("in the film a man is about to kill himself and i want to do the same")
    assert "ideation" in screen.categories
    assert (
        "ideation"
        in screen_text(
            "my uncle killed himself and i keep thinking about doing the same"
        ).categories
    )
    assert not screen_text("my friend ran a marathon and i want to do the same")


def test_context_never_excuses_an_urgent_message() -> None:
    screen = screen_text("I'm a nurse and I just took all my pills")
    assert screen.level is Level.URGENT


def test_grief_does_not_hide_a_wish_to_follow() -> None:
    assert screen_text("my brother killed himself last year and i want to join him")


def test_relapse_is_not_excused_by_recovery() -> None:
    assert screen_text("I was 2 years clean but I relapsed and cut again last night")


@pytest.mark.parametrize(
    "text",
    [
        "gutted my best mate's moving to manchester",
        "my mum's moving into a care home next month",
        "my mum's going to kill me when she sees the state of the kitchen",
        "my boss is gonna kill me, i forgot the meeting",
        "my sister will kill me when she finds out i broke her straighteners",
        "final goodbye to our old house today, handed the keys over",
        "opened a tin, only a tiny cut but it bled everywhere",
        "wrote my will today with a solicitor, turned 40",
        "this is goodbye for today haha, back tmrw",
        "jumping off the high board at the pool tomorrow",
        "paramedic here, we had an overdose in tonight, he's ok",
        "icu nurse, had a lad in after an overdose today",
    ],
)
def test_everyday_wording_is_not_listed_as_urgent(text: str) -> None:
    assert not listed(prepare(text)).categories & URGENT_CATEGORIES


@pytest.mark.parametrize(
    "text",
    [
        "my friend is not moving and she won't wake up",
        "my dad is going to kill me when he gets home",
        "my mum is going to kill me when she sees i cut my arms",
        "my husband is going to kill me, he hit me last night and he has a knife",
        "i cut my wrist and it bled everywhere",
        "goodbye for now, i won't be around much longer, i took the pills",
        "paramedic here, i just took all my pills",
        "nurse. i have the pills in my hand and i'm going to take them tonight",
    ],
)
def test_everyday_exceptions_leave_urgent_wording_listed(text: str) -> None:
    assert listed(prepare(text)).categories & URGENT_CATEGORIES


@pytest.mark.parametrize(
    "text",
    ["i'd tell my friend it wasnt their fault", "i would tell them it's not their fault"],
)
def test_what_one_would_tell_a_friend_is_not_a_goodbye(text: str) -> None:
    assert "goodbye" not in listed(prepare(text)).categories


def test_a_message_to_pass_on_is_a_goodbye() -> None:
    assert "goodbye" in listed(prepare("tell them it's not their fault, i tried")).categories


# --- levels and categories ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I took 30 paracetamol", "attempt"),
        ("i'm standing on the ledge", "attempt"),
        ("he's banging on the door and threatening to kill me", "danger_from_others"),
        ("he hit me again and i'm scared he'll do worse tonight", "danger_from_others"),
        ("my friend just swallowed a bunch of pills", "someone_else_now"),
        ("my friend isnt moving", "someone_else_now"),
        ("my brother is not breathing", "someone_else_now"),
        ("my mum has been unconscious for a minute", "someone_else_now"),
        ("a man is about to hang himself in the park", "someone_else_now"),
        ("on my ward a girl is about to hang herself", "someone_else_now"),
        ("my sister is a nurse. she says she wants to kill herself tonight", "someone_else_now"),
        ("I'm going to kill myself tonight", "attempt"),
    ],
)
def test_urgent_categories(text: str, category: str) -> None:
    screen = screen_text(text)
    assert screen.level is Level.URGENT
    assert category in screen.categories


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I want to kill myself", "ideation"),
        ("everyone would be better off without me", "burden"),
        ("i dont see the point anymore", "vague"),
        ("he hit me last night", "abuse"),  # harm in the past: asked, not urgent
        ("he forces me to have sex", "abuse"),
        ("he's been hurting me", "abuse"),
        ("you're pathetic, everyone would be better off without you", "burden"),  # the critic
        ("nobody would miss you if you were gone", "burden"),
        ("you should just kill yourself", "ideation"),
        ("i want to die my hair is falling out", "ideation"),
        ("i just want to end my suffering", "vague"),
        ("i keep driving really fast hoping i crash", "passive"),
        ("i havent eaten in days, i want to waste away", "passive"),
        ("been saving up my pills", "plan_means"),
        ("this is goodbye, please take care of my cat for me", "goodbye"),
        ("I wish I could go to sleep and never wake up", "passive"),
        ("I'm going to end it on friday", "timing"),
    ],
)
def test_concern_categories(text: str, category: str) -> None:
    screen = screen_text(text)
    assert screen.level is Level.CONCERN
    assert category in screen.categories


@pytest.mark.parametrize(
    "text",
    [
        "i dont see the point of this meeting",
        "i want to die my hair pink",
        "we'd all be better off without you being this stressed, take a holiday",
        "you should just end it with him, hes awful",
        "i want to end this suffering for my dog, the vet comes monday",
        "im at peace with my decision to quit my job",
        "none of this will matter in ten years, its just an exam",
    ],
)
def test_everyday_uses_of_those_phrases_are_not_listed(text: str) -> None:
    assert not listed(prepare(text)).categories


def test_screen_truthiness_and_from_others() -> None:
    assert not Screen(Level.NONE, frozenset())
    assert Screen(Level.CONCERN, frozenset({"abuse"})).from_others
    assert screen_text("he threatened to kill me").from_others
    assert not screen_text("I want to die").from_others
    assert screen_text("") == Screen(Level.NONE, frozenset())


def test_data_file_levels_agree_with_the_urgent_categories() -> None:
    for name in category_names():
        urgent = read_file(name).get("level") == "urgent"
        assert urgent is (name in URGENT_CATEGORIES), name


def test_a_long_message_is_screened_quickly() -> None:
    text = ("Work was long today and the train was late again, " * 80)[:4096]
    screen_text(text)
    start = time.perf_counter()
    for _ in range(20):
        screen_text(text)
    # a regression guard only: the 1 ms target is not met yet (docs/benchmarks.md)
    assert (time.perf_counter() - start) / 20 < 0.1


def test_ongoing_abuse_is_named_and_comes_from_others() -> None:
    # "when he's drunk" is not "now", but the answer may still lead with the emergency number
    screen = screen_text("my boyfriend hits me when he's drunk")
    assert screen and "abuse" in screen.categories and screen.from_others


@pytest.mark.parametrize(
    "text",
    ["I deserve kindness", "I deserve rest.", "i am enough", "I keep going", "It's okay to rest"],
)
def test_kind_words_to_oneself_are_not_asked_about(text: str) -> None:
    assert not screen_text(text)


@pytest.mark.parametrize(
    "text", ["I deserve to die", "i am enough and i want to die", "I deserve rest, forever"]
)
def test_kind_words_do_not_hide_danger_around_them(text: str) -> None:
    assert screen_text(text)


@pytest.mark.parametrize(
    "text", ["imgoingtokillmyself", "imgonnakillmyself", "soitsfinallyoverandiwanttodie"]
)
def test_risk_phrases_run_together_inside_one_long_word(text: str) -> None:
    assert screen_text(text).level == "concern"


@pytest.mark.parametrize("text", ["overwhelmingly", "unbelievablyexhausted"])
def test_long_ordinary_words_are_left_alone(text: str) -> None:
    assert not screen_text(text)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("i only cause problems for everyone around me", "burden"),
        ("everything feels so heavy and i don't want to carry it another day", "passive"),
        ("i should just get out of everyone's way for good", "burden"),
    ],
)
def test_burden_and_not_facing_another_day(text: str, category: str) -> None:
    assert category in screen_text(text).categories


@pytest.mark.parametrize(
    "text", ["i cause problems for everyone at work lol", "i don't want to do this job another day"]
)
def test_their_everyday_counterparts(text: str) -> None:
    assert not screen_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "i was suicidal as a teenager but therapy really helped, i'm 30 now and happy",
        "my brother overdosed years ago, he's alive and sober now",
    ],
)
def test_recovery_told_with_now_is_not_danger_now(text: str) -> None:
    assert screen_text(text).level != "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "i want to die now",
        "ive taken the pills now",
        "im fine now but i have the pills ready for tonight",
    ],
)
def test_now_and_tonight_still_make_danger_urgent(text: str) -> None:
    assert screen_text(text).level == "urgent"
