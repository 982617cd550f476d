"""The distress matcher, language by language, on sentences written the way people really type them: dialect,
no accents or vowel marks, capitals, the wrong keyboard. Each sentence that must flag names the kind it must
flag as; each that must not is an innocent sentence that an earlier, script-blind matcher flagged or could."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.content.loader import Library, load_library
from bot.distress import explain, kinds_of, lists_of, match, normalise

ROOT = Path(__file__).resolve().parent.parent

MUST: dict[str, list[tuple[str, str]]] = {
    "nl": [
        ("Soms denk ik aan zelfmoord.", "suicide"),
        ("ik denk aan zelfdoding", "suicide"),
        ("Ik zie het niet meer zitten", "suicide"),
        ("k zie het nie meer zitten, echt nie", "suicide"),
        ("'k wil dood", "suicide"),
        ("IK WIL NIET MEER LEVEN", "suicide"),
        ("suicidale gedachten", "suicide"),
        ("Mijn man slaat mij als hij drinkt", "violence"),
        ("ik voel me niet veilig thuis", "violence"),
        ("Ze werd verkracht op weg naar huis", "sexual-violence"),
        ("Mijn baas heeft mijn paspoort afgepakt", "exploitation"),
    ],
    "en": [
        ("i want to die", "suicide"),
        ("I dont want to live anymore", "suicide"),
        ("thinking about killing myself", "suicide"),
        ("I am not safe at home", "violence"),
        ("my husband beats me", "violence"),
        ("I was raped last year", "sexual-violence"),
        ("the boss took my passport and I work without pay", "exploitation"),
    ],
    "fr": [
        ("J'ai envie de mourir", "suicide"),
        ("je veux mourir", "suicide"),
        ("JE VAIS ME SUICIDER", "suicide"),
        ("je pense a mettre fin a mes jours", "suicide"),
        ("Mon mari me frappe", "violence"),
        ("je ne suis pas en securite chez moi", "violence"),
        ("elle a ete violee", "sexual-violence"),
        ("Ils ont pris mon passeport", "exploitation"),
    ],
    "ar": [
        ("أريد ان أموت", "suicide"),
        ("اريد ان اموت", "suicide"),
        ("انتحر", "suicide"),
        ("بدي موت", "suicide"),
        ("أفكّر في الانتحـــار", "suicide"),
        ("ما بدي عيش", "suicide"),
        ("زوجي يضربني", "violence"),
        ("انا مش امنة بالبيت", "violence"),
        ("زوجي عصبي ولست بأمان في البيت", "violence"),  # و joined to the next word
        ("اغتصبني", "sexual-violence"),
        ("اخذوا جوازي", "exploitation"),
    ],
    "tr": [
        ("İntihar etmeyi düşünüyorum", "suicide"),
        ("KENDİMİ ÖLDÜRECEĞİM", "suicide"),
        ("kendimi oldurecegim", "suicide"),
        ("olmek istiyorum", "suicide"),
        ("yaşamak istemiyom artık", "suicide"),
        ("kocam beni dövüyor", "violence"),
        ("evde guvende degilim", "violence"),
        ("bana tecavüz etti", "sexual-violence"),
        ("patron pasaportumu aldı", "exploitation"),
    ],
    "uk": [
        ("я хочу померти", "suicide"),
        ("жити не хочу", "suicide"),
        ("думаю про самогубство", "suicide"),
        ("Чоловік бʼє мене", "violence"),
        ("чоловік б'є мене", "violence"),
        ("мене зґвалтували", "sexual-violence"),
        ("мене згвалтували", "sexual-violence"),
        ("у мене забрали паспорт", "exploitation"),
    ],
    "ru": [
        ("хочу умереть", "suicide"),
        ("Жить не хочу", "suicide"),
        ("думаю себя убить", "suicide"),
        ("муж бьёт меня", "violence"),
        ("муж бьет меня", "violence"),
        ("меня изнасиловали", "sexual-violence"),
        ("работодатель отобрал паспорт, не платят зарплату", "exploitation"),
    ],
    "fa": [
        ("می خواهم بمیرم", "suicide"),
        ("می‌خواهم بمیرم", "suicide"),
        ("میخوام بمیرم", "suicide"),
        ("به خودكشي فكر مي كنم", "suicide"),  # Arabic ي and ك from an Arabic keyboard
        ("شوهرم کتکم میزنه", "violence"),
        ("به من تجاوز کرد", "sexual-violence"),
        ("پاسپورتم را گرفتند", "exploitation"),
    ],
    "prs": [
        ("می خواهم بمیرم", "suicide"),
        ("در مورد خودکشی فکر می‌کنم", "suicide"),
        ("میخواهم خود را بکشم", "suicide"),  # Dari's خود را, no ZWNJ
        ("mikham bemiram", "suicide"),  # Persian typed in Latin letters
        ("در خانه امن نیستم", "violence"),
    ],
    "ps": [
        ("غواړم مړ شم", "suicide"),
        ("ځان وژنه", "suicide"),
        ("زما مېړه ما وهي", "violence"),
        ("پاسپورټ مې واخیست", "exploitation"),
    ],
    "ti": [
        ("ክመውት እደሊ", "suicide"),
        ("ርእሰ ቅትለት", "suicide"),
        ("ሰብኣየይ ይወቕዓኒ", "violence"),
    ],
    "so": [
        ("waxaan rabaa inaan dhinto", "suicide"),
        ("isdil ayaan ka fikirayaa", "suicide"),
        ("ninkayga wuu i garaacaa", "violence"),
        ("waa la i kufsaday", "sexual-violence"),
    ],
}

MUST_NOT: dict[str, list[str]] = {
    "nl": [
        "We gaan samen zwerfvuil rapen in het park",
        "Ik wil dood hout laten liggen voor de egels",
        "De fietsen staan in de dode hoek",
        "Mijn vertrouwen werd misbruikt door de huisbaas",
        "Ik eet graag druiven (grapes) en fiets naar het werk.",
    ],
    "en": [
        "Fields of oilseed rape along the canal",
        "The traffic here is killing me",
        "I feel safe at home and in my street",
    ],
    "fr": [
        "C'est un viol de nos droits de locataires",
        "Le viol des droits des piétons",
        "Ils ont violé les règles du parking",
        "Ce bruit va me tuer",
    ],
    "ar": [
        "اغتصاب الأرض موضوع سياسي",
        "أحب المشي في الحديقة",
    ],
    "tr": [
        "Bu hakkıma tecavüz",
        "Haklarımıza tecavüz ediliyor",
        "Kendimi asla yalnız hissetmem",
    ],
    "uk": ["Я хочу жити в цьому районі"],
    "ru": ["Хочу жить в этом районе"],
    "fa": [
        "الهی بمیرم برات",
        "بمیرم برات که این‌قدر خسته‌ای",
        "تجاوز به حریم پارک",
    ],
    "prs": ["الهی بمیرم، چقدر خسته هستی", "می‌خواهم به پارک بروم", "شب‌ها در پارک امن نیستم"],
    "ps": ["زه غواړم چې پارک ته لاړ شم"],
    "ti": ["ኣብ ፓርክ ክዛወር እደሊ"],
    "so": ["Waxaan rabaa inaan baarkinka tago"],
}


@pytest.fixture(scope="module")
def lists() -> tuple[object, ...]:
    library = load_library(ROOT / "conversations")
    return lists_of(library)


@pytest.mark.parametrize(
    ("language", "sentence", "kind"),
    [(language, sentence, kind) for language, cases in MUST.items() for sentence, kind in cases],
)
def test_a_sentence_of_distress_flags_with_its_kind(
    lists: tuple[object, ...], language: str, sentence: str, kind: str
) -> None:
    found = match(sentence, language, lists)
    assert kind in kinds_of(found), (sentence, found)


@pytest.mark.parametrize(
    ("language", "sentence"), [(language, sentence) for language, cases in MUST_NOT.items() for sentence in cases]
)
def test_an_innocent_sentence_does_not_flag(lists: tuple[object, ...], language: str, sentence: str) -> None:
    assert match(sentence, language, lists) == [], sentence


def test_every_language_has_a_corpus_both_ways() -> None:
    from bot.i18n import LANGUAGES

    assert set(LANGUAGES) - {"en"} <= set(MUST) and set(LANGUAGES) - {"en"} <= set(MUST_NOT)


def test_a_list_is_read_in_its_own_language_and_with_dutch_and_english(lists: tuple[object, ...]) -> None:
    assert kinds_of(match("Le viol", "fr", lists)) == ["sexual-violence"]
    assert match("Le viol", "nl", lists) == []  # the French list does not read a Dutch answer
    assert match("Le viol", "tr", lists) == []
    assert kinds_of(match("ik wil dood", "ar", lists)) == ["suicide"]  # Dutch is read in every language
    assert kinds_of(match("I want to die", "tr", lists)) == ["suicide"]  # and English
    assert match("أريد أن أموت", None, lists)  # no language given: every list


def test_an_exclusion_sets_a_match_aside_and_says_why(lists: tuple[object, ...]) -> None:
    found, excluded = explain("C'est un viol de nos droits", "fr", lists)
    assert found == [] and [item.phrase for item in excluded] == ["viol de nos droits"]


def test_normalising_reads_each_script_alike() -> None:
    assert normalise("KENDİMİ ÖLDÜRECEĞİM") == normalise("kendimi oldurecegim") == "kendimi oldurecegim"
    assert normalise("أريدُ أنْ أموتَ") == normalise("اريد ان اموت")
    assert normalise("الانتحـــار") == normalise("الانتحار")
    assert normalise("مدرسة") == normalise("مدرسه")
    assert normalise("على") == normalise("علي")
    assert normalise("می‌خواهم") == normalise("مي خواهم")
    assert normalise("خودکشی") == normalise("خودكشي")
    assert normalise("бьёт") == normalise("бьет")
    assert normalise("ґвалт") == normalise("гвалт")
    assert normalise("self-harm") == normalise("self harm")
    assert normalise("\u2068/start\u2069 \u200f") == "/start"


def test_the_matcher_is_a_pure_function_of_text_language_and_lists(library: Library) -> None:
    lists = lists_of(library)
    assert match("ik wil dood", "nl", lists) == match("ik wil dood", "nl", lists)
    assert match("", "nl", lists) == [] and match("zelfmoord", "nl", ()) == []


def _cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "safeguarding", "test", *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"SAMENSPRAAK_CONVERSATIONS": str(ROOT / "conversations"), "PATH": "/usr/bin:/bin"},
        timeout=60,
        check=False,
    )


def test_organisers_test_their_lists_like_grep() -> None:
    flagged = _cli("--language", "tr", "KENDİMİ", "ÖLDÜRECEĞİM")
    assert flagged.returncode == 0, flagged.stderr
    assert "match: suicide, tr list, entry 'kendimi öldür*'" in flagged.stdout
    innocent = _cli("--language", "fr", "Le viol de nos droits")
    assert innocent.returncode == 1
    assert "inside the innocent phrase 'viol de nos droits'" in innocent.stdout and "no match" in innocent.stdout
