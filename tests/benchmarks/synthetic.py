"""Synthetic but realistic data for the benchmarks: cases, names in four scripts, note text.

Everything is invented and deterministic (one ``random.Random`` seed). Names are built from
real-looking given names and surnames and written in Latin, Cyrillic, Uyghur Arabic script
and Han the way the documents of the cases would write them, so that the search index holds
the same mix of scripts and folded forms as a real store.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

GIVEN = ["Idris", "Aleksei", "Rustam", "Ayse", "Mehmet", "Anvar", "Dilnoza", "Timur", "Farid", "Leyla", "Omar",
         "Karim", "Nadia", "Sergei", "Dmitri", "Olga", "Ivan", "Bakhtiyar", "Gulnara", "Ilham", "Abdul", "Rahim",
         "Yusuf", "Zainab", "Amina", "Hassan", "Ali", "Murat", "Kemal", "Elif", "Zeynep", "Arslan", "Aziz", "Bahrom",
         "Jamshid", "Nodir", "Sardor", "Umida", "Malika", "Shirin", "Parviz", "Davron", "Ruslan", "Marat", "Ainur",
         "Aigerim", "Nurlan", "Yerlan", "Erkin", "Abdurehim", "Mahmut", "Tursun", "Gulzar", "Memet", "Ablikim",
         "Ekber", "Nurmemet", "Patigul", "Aynur", "Rahila", "Adil", "Alim", "Batur", "Dilshat", "Enver", "Gheyret",
         "Hesen", "Ibrahim", "Jelil", "Kamil", "Lutfulla", "Mukhtar", "Nijat", "Obul", "Perhat", "Qasim", "Rozi",
         "Salih", "Tahir", "Ubul", "Vahid", "Yasin", "Zohra", "Anna", "Maria", "Elena", "Natalia", "Pavel", "Andrei",
         "Mikhail", "Nikolai", "Viktor", "Yuri", "Oleg", "Igor", "Svetlana", "Tatiana", "Irina", "Ekaterina",
         "Ksenia", "Roman", "Artem", "Maksim", "Denis", "Vadim", "Anton", "Boris", "Gleb", "Lev", "Fatima", "Mariam",
         "Samira", "Layla", "Hamid", "Reza", "Mahmoud", "Mustafa", "Khalid", "Tariq", "Walid", "Nabil", "Sami",
         "Faisal", "Bilal", "Emre", "Burak", "Can", "Deniz", "Selin", "Ozan", "Cem", "Hakan", "Serkan", "Volkan",
         "Tuncay", "Baris", "Wei", "Jing", "Ming", "Hua", "Lan", "Ying", "Jun", "Tao", "Lei", "Bo", "Min", "Hong",
         "Xiu", "Zhen", "Kamal", "Anwar", "Javed", "Imran", "Sajid", "Nasir", "Tamara", "Ramin", "Kaveh", "Dariush",
         "Behzad", "Arash", "Navid", "Sina", "Farhad", "Golnar"]

SURNAMES = ["Mamut", "Vetrov", "Nazarov", "Yildirim", "Karimov", "Rakhimov", "Tursunov", "Abdullaev", "Ismailov",
            "Aliyev", "Hasanov", "Kuznetsov", "Petrov", "Sokolov", "Volkov", "Morozov", "Orlov", "Sultanov",
            "Yusupov", "Kadyrov", "Ahmadi", "Rahmani", "Hosseini", "Celik", "Demir", "Kaya", "Sahin", "Ozturk",
            "Aydin", "Qasimov", "Osmanov", "Tohti", "Ablimit", "Imin", "Kurban", "Niyaz", "Hoshur", "Abdukerim",
            "Memtimin", "Rozi", "Sidiq", "Yasin", "Omer", "Eli", "Tokhti", "Qadir", "Ghopur", "Semet", "Hamut",
            "Barat", "Ilyasov", "Makhmudov", "Nurmatov", "Saidov", "Tashkentov", "Umarov", "Zakirov", "Fayzullaev",
            "Ergashev", "Juraev", "Kholmatov", "Mirzaev", "Safarov", "Sharipov", "Davletov", "Bekov", "Akhmetov",
            "Nurbekov", "Seitkali", "Zhakupov", "Ivanov", "Smirnov", "Popov", "Lebedev", "Kozlov", "Novikov",
            "Pavlov", "Semenov", "Golubev", "Vinogradov", "Bogdanov", "Vorobiev", "Fedorov", "Mikhailov", "Belov",
            "Tarasov", "Belyaev", "Komarov", "Kiselev", "Makarov", "Andreev", "Kovalev", "Ilyin", "Gusev", "Titov",
            "Kuzmin", "Kudryavtsev", "Baranov", "Kulikov", "Alekseev", "Stepanov", "Yakovlev", "Sorokin", "Sergeev",
            "Romanov", "Zakharov", "Borisov", "Korolev", "Gerasimov", "Ponomarev", "Grigoriev", "Lazarev", "Medvedev",
            "Ershov", "Nikitin", "Sobolev", "Ryabov", "Polyakov", "Tsvetkov", "Danilov", "Zhukov", "Frolov",
            "Zhuravlev", "Nikolaev", "Krylov", "Maksimov", "Sidorov", "Osipov", "Belousov", "Fedotov", "Dorofeev",
            "Egorov", "Matveev", "Bobrov", "Dmitriev", "Kalinin", "Anisimov", "Petukhov", "Antonov", "Timofeev",
            "Nikiforov", "Veselov", "Filippov", "Markov", "Bolshakov", "Sukhanov", "Mironov", "Shiryaev",
            "Aleksandrov", "Konovalov", "Shestakov", "Kazakov", "Efimov", "Denisov", "Gromov", "Fomin", "Davydov",
            "Melnikov", "Shcherbakov", "Blinov", "Kolesnikov", "Karpov", "Afanasiev", "Vlasov", "Maslov", "Isakov",
            "Tikhonov", "Aksenov", "Gavrilov", "Rodionov", "Kotov", "Gorbunov", "Kudryashov", "Bykov", "Zuev",
            "Tretyakov", "Savelyev", "Panov", "Rybakov", "Suvorov", "Abramov", "Voronov", "Mukhin", "Arkhipov",
            "Trofimov", "Martynov", "Emelyanov", "Gorshkov", "Chernov", "Ovchinnikov", "Seleznev", "Panfilov",
            "Kopylov", "Mikheev", "Galkin", "Nazarov", "Lobanov", "Lukin", "Belyakov", "Potapov", "Nekrasov",
            "Khokhlov", "Zhdanov", "Naumov", "Shilov", "Vorontsov", "Ermakov", "Drozdov", "Ignatiev", "Savin",
            "Loginov", "Safonov", "Kapustin", "Kirillov", "Moiseev", "Eliseev", "Koshelev", "Kostin", "Gorbachev",
            "Orekhov", "Efremov", "Isaev", "Evdokimov", "Kalashnikov", "Kabanov", "Noskov", "Yudin", "Kulagin",
            "Lapin", "Prokhorov", "Nesterov", "Kharitonov", "Agafonov", "Muravyov", "Laptev", "Ganin", "Gordeev",
            "Bazhenov", "Kotova"]

CYRILLIC = [("shch", "щ"), ("kh", "х"), ("zh", "ж"), ("ch", "ч"), ("sh", "ш"), ("ts", "ц"), ("yu", "ю"),
            ("ya", "я"), ("yo", "ё"), ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"), ("f", "ф"),
            ("g", "г"), ("h", "х"), ("i", "и"), ("j", "дж"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
            ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"),
            ("w", "в"), ("x", "кс"), ("y", "й"), ("z", "з")]
ARABIC = [("sh", "ش"), ("ch", "چ"), ("gh", "غ"), ("kh", "خ"), ("zh", "ژ"), ("ng", "ڭ"), ("a", "ا"), ("b", "ب"),
          ("c", "ك"), ("d", "د"), ("e", "ە"), ("f", "ف"), ("g", "گ"), ("h", "ھ"), ("i", "ى"), ("j", "ج"),
          ("k", "ك"), ("l", "ل"), ("m", "م"), ("n", "ن"), ("o", "و"), ("p", "پ"), ("q", "ق"), ("r", "ر"),
          ("s", "س"), ("t", "ت"), ("u", "ۇ"), ("v", "ۋ"), ("w", "ۋ"), ("x", "خ"), ("y", "ي"), ("z", "ز")]
# Characters Chinese documents use to transcribe foreign names, one per Latin syllable.
HAN = "阿巴卡马里斯德尔提努拉娜萨塔扎哈尼米亚伊乌沙克多罗夫莫布古图苏鲁普基西奇买艾热合曼穆尔汗江丽古再帕吐孜库"
_SYLLABLE = re.compile(r"[^aeiouy]*[aeiouy]+(?:[^aeiouy]+$)?|[^aeiouy]+$")


def _translit(word: str, table: list[tuple[str, str]]) -> str:
    out, i, low = [], 0, word.lower()
    while i < len(low):
        for latin, other in table:
            if low.startswith(latin, i):
                out.append(other)
                i += len(latin)
                break
        else:
            out.append(low[i])
            i += 1
    return "".join(out)


@cache
def cyrillic(word: str) -> str:
    text = _translit(word, CYRILLIC)
    return text[:1].upper() + text[1:]


@cache
def arabic(word: str) -> str:
    text = _translit(word, ARABIC)
    return ("ئ" + text) if text[:1] in "اەىوۇ" else text  # a word never starts with a bare vowel


@cache
def han(word: str) -> str:
    return "".join(HAN[sum(map(ord, s)) % len(HAN)] for s in _SYLLABLE.findall(word.lower()))


def name_variants(given: str, surname: str, rng: random.Random) -> list[dict[str, Any]]:
    """2-4 spellings of one person; the Latin legal name first, then other scripts."""
    full = f"{given} {surname}"
    pool = [
        {"text": f"{cyrillic(given)} {cyrillic(surname)}", "script": "Cyrillic",
         "language": rng.choice(["rus", "tgk", "kaz", "srp"]), "kind": "legal", "source": "Internal passport"},
        {"text": f"{arabic(given)} {arabic(surname)}", "script": "Arabic", "language": "uig",
         "kind": "legal", "source": "Client's own spelling"},
        {"text": f"{han(given)}·{han(surname)}", "script": "Han", "language": "zho",
         "kind": "transliteration", "source": "Arrest warrant"},
        {"text": f"{given.upper()} {surname.upper()}", "script": "Latin", "kind": "as_published",
         "source": "Airline manifest"},
        {"text": f"{given[:-1] + 'y' if given.endswith('i') else given + 'e'} {surname}", "script": "Latin",
         "kind": "alias", "source": "Press articles"},
    ]
    chosen = rng.sample(pool, rng.randint(1, 3))
    chosen.sort(key=lambda n: n["script"] == "Latin")  # keep at least one other script up front
    if all(n["script"] == "Latin" for n in chosen):
        chosen[0] = pool[rng.randrange(3)]
    return [{"text": full, "script": "Latin", "kind": "legal", "romanisation": "ICAO Doc 9303",
             "source": "Travel document"}, *chosen]


COUNTRIES = ["CN", "RU", "TJ", "TR", "UZ", "KZ", "TM", "AZ", "BY", "EG", "IR", "BH", "AE", "SA", "TH", "VN",
             "IN", "PK", "RS", "PL", "NL", "DE", "FR", "LT", "GB", "SE", "NO", "UA", "GE", "AM"]
REQUESTING = ["CN", "RU", "TJ", "TR", "UZ", "KZ", "TM", "AZ", "BY", "EG", "IR", "BH", "AE", "SA", "TH", "VN"]
HOSTS = ["PL", "NL", "DE", "FR", "LT", "GB", "SE", "NO", "RS", "GE", "AM", "UA", "ES", "IT", "AT", "CZ"]
LANGUAGES = ["uig", "rus", "tur", "eng", "deu", "fra", "tgk", "uzb", "kaz", "fas", "ara", "zho", "pol", "nld"]
CHARGES = [
    "Organising, leading and participating in a terrorist organisation (Art. 120 Criminal Law)",
    "Public dissemination of knowingly false information about the armed forces (Art. 207.3)",
    "Public calls for extremist activity",
    "Participation in a banned organisation",
    "Fraud on a particularly large scale (Art. 159 part 4)",
    "Misappropriation or embezzlement (Art. 160)",
    "Incitement of national, racial or religious hatred",
    "Financing of extremist activity",
    "Illegal crossing of the state border",
    "Tax evasion by an organisation on a large scale",
    "Abuse of office",
    "Membership of an armed terrorist organisation (Art. 314)",
    "Insulting the President (Art. 299)",
    "Money laundering",
    "Forgery of official documents",
    "Separatism and undermining state unity",
]
PLACES = ["Ghulja", "Kashgar", "Urumqi", "Hotan", "Almaty", "Bishkek", "Dushanbe", "Tashkent", "Istanbul",
          "Ankara", "Izmir", "Moscow", "Yekaterinburg", "Kazan", "Grozny", "Minsk", "Baku", "Tehran", "Cairo",
          "Warsaw", "Belgrade", "Vilnius", "Berlin", "Munich", "Paris", "Nice", "Amsterdam", "The Hague",
          "Brussels", "Stockholm", "Oslo", "Vienna", "Prague", "Madrid", "Rome", "London", "Tbilisi", "Yerevan"]
FACILITIES = ["Areszt Śledczy Warszawa-Białołęka", "Centralni zatvor Beograd", "JVA Moabit", "Fleury-Mérogis",
              "Penitentiaire Inrichting Haaglanden", "Lukiškės remand prison", None, None, None]
AUTHORITIES = ["Public Security Bureau", "Investigative Committee", "Prosecutor General's Office",
               "District Court", "Regional Court", "Ministry of Internal Affairs", "State Security Service"]
EVENT_TITLES = ["Leaves the country", "Arrest warrant issued", "Refugee status granted", "Speaks at a public hearing",
                "Arrested on the red notice", "Released on bail", "Hearing adjourned", "Asylum application filed",
                "Family members questioned by police", "Passport cancelled by the requesting state",
                "Stopped at the border on the diffusion", "Interview with the asylum authority",
                "Extradition request received", "CCF request filed", "Notice published"]
DEADLINE_TITLES = ["Written observations to the court", "Appeal against the extradition ruling",
                   "CCF admissibility decision due (Art. 32)", "File CCF access request", "Extradition hearing",
                   "Translation of the refugee decision", "Reply to the NCB", "Rule 39 request",
                   "Submit expert report on prison conditions", "Chase NCB for confirmation of deletion"]

# Note text: a vocabulary of a few thousand words with Zipf-like frequencies. The first words
# are the most frequent; legal words come next, invented place and organisation words last.
COMMON = ["the", "of", "and", "to", "in", "a", "that", "is", "was", "for", "on", "by", "with", "as", "it", "be", "at",
          "this", "from", "or", "an", "are", "not", "which", "his", "her", "he", "she", "they", "their", "has",
          "have", "had", "were", "been", "its", "after", "before", "would", "under", "against"]
LEGAL = ["court", "client", "alert", "notice", "warrant", "extradition", "refugee", "asylum", "hearing", "appeal",
         "decision", "request", "police", "prosecutor", "judge", "evidence", "detention", "custody", "release",
         "bail", "interpreter", "translation", "ministry", "interpol", "ccf", "commission", "files", "deletion",
         "access", "correction", "compliant", "article", "rules", "processing", "data", "political", "religious",
         "ethnic", "persecution", "torture", "risk", "prison", "conditions", "fair", "trial", "absentia", "charge",
         "charges", "offence", "criminal", "code", "penal", "sentence", "conviction", "acquittal", "investigation",
         "arrest", "border", "passport", "travel", "document", "identity", "family", "wife", "husband", "children",
         "brother", "sister", "mother", "father", "witness", "statement", "testimony", "lawyer", "counsel", "defence",
         "embassy", "consulate", "authority", "authorities", "national", "central", "bureau", "general",
         "secretariat", "diffusion", "red", "blue", "yellow", "publication", "restricted", "public", "extract",
         "status", "review", "admissibility", "merits", "deadline", "statutory", "time", "limit", "days", "months",
         "years", "submission", "observations", "reply", "hearing", "adjourned", "postponed", "scheduled",
         "interview", "report", "expert", "medical", "psychological", "evidence", "letter", "email", "telephone",
         "meeting", "visit", "camp", "camps", "detention", "centre", "facility", "guards", "abuse", "ill",
         "treatment", "human", "rights", "convention", "protocol", "article", "three", "five", "six", "eight",
         "thirteen", "european", "court", "strasbourg", "committee", "against", "un", "cat", "hrc", "communication",
         "interim", "measures", "rule", "thirty", "nine", "request", "granted", "refused", "pending", "decided",
         "closed", "opened", "filed", "received", "sent", "confirmed", "outstanding", "chase", "follow", "up",
         "translation", "sworn", "certified", "copy", "original", "scan", "photograph", "video", "recording",
         "social", "network", "post", "speech", "opposition", "party", "movement", "activist", "journalist",
         "blogger", "dissident", "minority", "uyghur", "kazakh", "tajik", "uzbek", "chechen", "kurd", "baluch",
         "turkmen", "belarusian", "russian", "chinese", "turkish", "iranian", "egyptian", "saudi", "emirati",
         "bahraini", "thai", "vietnamese", "pakistani", "indian", "serbian", "polish", "dutch", "german", "french",
         "lithuanian", "british", "swedish", "norwegian", "ukrainian", "georgian", "armenian", "bank", "account",
         "transfer", "funds", "company", "director", "shareholder", "contract", "dispute", "debt", "loan", "property",
         "land", "tax", "evasion", "fraud", "embezzlement", "money", "laundering", "terrorism", "extremism",
         "separatism", "membership", "organisation", "banned", "list", "designation", "sanctions", "freezing",
         "assets", "media", "press", "article", "reported", "published", "interview", "broadcast", "television",
         "radio", "newspaper", "website", "archive", "registry", "record", "database", "checked", "search", "results",
         "confirm", "deny", "existence", "notice", "reference", "number", "control", "file", "dossier", "case",
         "summary", "grounds", "argument", "predominance", "test", "context", "situation", "general", "country",
         "report", "state", "department", "amnesty", "watch", "freedom", "house", "ohchr", "unhcr", "decision",
         "number", "paragraph", "page", "annex", "exhibit", "bundle", "index"]


def _pseudo_words(rng: random.Random, n: int) -> list[str]:
    onsets = ["b", "d", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "sh", "ch", "kh", "br", "st", "tr"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ou", "ia"]
    codas = ["", "", "n", "r", "l", "s", "k", "m", "sk", "nd", "ov", "in", "ar"]
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(1, 3)))
                  + rng.choice(codas))
    return sorted(words)


class TextMaker:
    """Sentences drawn from the vocabulary with Zipf-like (1/rank) frequencies."""

    def __init__(self, rng: random.Random, extra_words: int = 2600) -> None:
        self.rng = rng
        legal = list(dict.fromkeys(LEGAL))
        rng.shuffle(legal)
        pseudo = [w for w in _pseudo_words(rng, extra_words) if w not in set(COMMON) | set(legal)]
        self.vocabulary = list(dict.fromkeys(COMMON + legal + pseudo))
        weights = [1.0 / (rank + 1) ** 1.0 for rank in range(len(self.vocabulary))]
        total = 0.0
        self.cum: list[float] = []
        for w in weights:
            total += w
            self.cum.append(total)
        self.people = [(g, s) for g in GIVEN for s in SURNAMES]

    def words(self, n: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.cum, k=n)

    def foreign_name(self) -> str:
        given, surname = self.rng.choice(self.people)
        return self.rng.choice([
            lambda: f"{cyrillic(given)} {cyrillic(surname)}",
            lambda: f"{arabic(given)} {arabic(surname)}",
            lambda: f"{han(given)}·{han(surname)}",
            lambda: f"{given} {surname}",
        ])()

    def paragraph(self, min_words: int, max_words: int, name_rate: float = 0.12) -> str:
        words = self.words(self.rng.randint(min_words, max_words))
        sentences, i = [], 0
        while i < len(words):
            n = self.rng.randint(6, 18)
            chunk = words[i:i + n]
            i += n
            if self.rng.random() < name_rate:
                chunk.insert(self.rng.randrange(len(chunk) + 1), self.foreign_name())
            sentence = " ".join(chunk)
            sentences.append(sentence[:1].upper() + sentence[1:] + self.rng.choice([".", ".", ".", ";", ":"]))
        return " ".join(sentences)

    def note_texts(self, n: int, min_words: int = 20, max_words: int = 120,
                   name_rate: float = 0.12) -> list[tuple[str, str]]:
        """``n`` (title, body) pairs like ``title()`` and ``paragraph()``, drawn in bulk (faster)."""
        rng = self.rng
        lengths = [rng.randint(min_words, max_words) for _ in range(n)]
        title_lengths = [rng.randint(2, 7) for _ in range(n)]
        pool = iter(self.words(sum(lengths) + sum(title_lengths)))
        out = []
        for length, title_length in zip(lengths, title_lengths, strict=True):
            title = " ".join(next(pool) for _ in range(title_length))
            sentences, left = [], length
            while left > 0:
                k = min(left, rng.randint(6, 18))
                left -= k
                chunk = [next(pool) for _ in range(k)]
                if rng.random() < name_rate:
                    chunk.insert(rng.randrange(k + 1), self.foreign_name())
                sentence = " ".join(chunk)
                sentences.append(sentence[:1].upper() + sentence[1:] + rng.choice(".....;:"))
            out.append((title[:1].upper() + title[1:], " ".join(sentences)))
        return out

    def title(self) -> str:
        words = self.words(self.rng.randint(2, 7))
        text = " ".join(words)
        return text[:1].upper() + text[1:]


def _partial(rng: random.Random, start: int, end: int) -> str:
    d = date(start, 1, 1) + timedelta(days=rng.randrange((date(end, 12, 31) - date(start, 1, 1)).days))
    return rng.choice([d.isoformat(), d.isoformat()[:7], d.isoformat()[:4], d.isoformat()])


def case_dict(i: int, rng: random.Random, words: TextMaker, today: date) -> dict[str, Any]:
    """One case in the interchange format (a plain dict, as parsed from JSON)."""
    given, surname = rng.choice(GIVEN), rng.choice(SURNAMES)
    requesting = rng.choice(REQUESTING)
    host = rng.choice(HOSTS)
    day = lambda offset: (today + timedelta(days=offset)).isoformat()  # noqa: E731
    alert = {
        "key": "alert-1", "type": rng.choice(["red_notice", "red_notice", "wanted_person_diffusion"]),
        "reference": f"{rng.randint(2010, 2025)}/{rng.randint(10000, 99999)}",
        "control_number": f"A-{rng.randint(1000, 9999)}/{rng.randint(1, 12)}-{rng.randint(2010, 2025)}",
        "requesting_country": requesting, "publicity": rng.choice(["public_extract", "restricted", "unknown"]),
        "issue_date": _partial(rng, 2010, 2025),
        "status": rng.choice(["published", "challenged", "suspended", "deleted", "maintained", "unknown"]),
        "grounds": rng.sample(["art3_political", "art2_human_rights", "refugee_policy", "due_process",
                               "trial_in_absentia", "insufficient_description"], rng.randint(1, 3)),
        "summary": words.paragraph(8, 25, name_rate=0.1),
        "warrants": [{"issuing_country": requesting, "charge": rng.choice(CHARGES),
                      "authority": f"{rng.choice(AUTHORITIES)}, {rng.choice(PLACES)}",
                      "reference": f"{rng.randint(1, 999)}/{rng.randint(2010, 2025)}-{rng.choice('ABCDK')}",
                      "issue_date": _partial(rng, 2010, 2025)} for _ in range(rng.randint(1, 2))],
        "history": [{"status": "published", "date": _partial(rng, 2010, 2025),
                     "note": rng.choice([None, "Date from the NCB's letter", "Confirmed by the CCF"])}],
    }
    proceeding = {"key": "proceeding-1", "alert": "alert-1",
                  "forum": rng.choice(["ccf", "extradition_court", "asylum", "appeal", "echr"]),
                  "country": host, "authority": rng.choice(["CCF Requests Chamber", "Regional Court",
                                                            "Higher Court", "Court of Appeal"]),
                  "reference": (f"{rng.choice(['CCF/R', 'Kre', 'VIII Kop', 'AWB'])} "
                                f"{rng.randint(1, 999)}/{today.year % 100}"),
                  "stage": rng.choice([None, "admissibility", "first instance", "appeal"]),
                  "status": rng.choice(["planned", "pending", "pending", "decided"]),
                  "opened": day(-rng.randint(5, 900)), "opposing_party": None,
                  "notes": words.paragraph(5, 15, name_rate=0.0) if rng.random() < 0.3 else None}
    deadlines = [{"title": rng.choice(DEADLINE_TITLES), "due_date": day(rng.randint(-30, 300)),
                  "kind": rng.choice(["statutory", "practice", "possible"]),
                  "proceeding": "proceeding-1" if rng.random() < 0.8 else None,
                  "reminder_days": rng.choice([[], [1], [7, 1], [3, 1]])} for _ in range(rng.randint(1, 2))]
    notes = [{"title": words.title(), "body": words.paragraph(30, 120),
              "argument_section": rng.choice([None, None, "grounds", "facts"])} for _ in range(rng.randint(1, 2))]
    events = [{"date": _partial(rng, 2000, 2026), "approximate": rng.random() < 0.2,
               "title": rng.choice(EVENT_TITLES), "description": words.paragraph(0, 20, name_rate=0.0) or None,
               "place": rng.choice(PLACES)} for _ in range(rng.randint(1, 3))]
    contact = {"role": rng.choice(["co_counsel", "ngo", "embassy", "ncb", "interpreter", "family", "expert"]),
               "name": f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}",
               "organisation": rng.choice([None, "Example Human Rights Watchers", "Bar association", "NCB"]),
               "country": host, "email": f"contact{i}@example.invalid", "phone": f"+48 22 {i % 1000:03d} {i % 97:02d}"}
    return {
        "format": "lawyer-desk/case", "version": 1, "uid": uuid.UUID(int=rng.getrandbits(128)).hex,
        "client": {
            "display_name": f"{given} {surname}", "date_of_birth": _partial(rng, 1950, 2004),
            "place_of_birth": rng.choice(PLACES), "country_of_birth": requesting,
            "sex": rng.choice(["male", "female", "unknown"]), "nationalities": [requesting],
            "residence_country": host, "whereabouts": rng.choice([None, f"Detained in {rng.choice(PLACES)}"]),
            "custody_status": rng.choice(["free", "detained", "bail", "house_arrest", "unknown"]),
            "custody_facility": rng.choice(FACILITIES),
            "asylum_status": rng.choice(["none", "applied", "refugee", "refused", "unknown"]),
            "asylum_country": host, "languages": rng.sample(LANGUAGES, rng.randint(1, 3)),
            "interpreter_needed": rng.random() < 0.5, "intake_date": day(-rng.randint(0, 2000)),
            "responsible_lawyer": rng.choice(["A. Kowalska", "M. Petrović", "J. Becker", "C. Martin"]),
        },
        "names": name_variants(given, surname, rng),
        "alerts": [alert], "proceedings": [proceeding], "deadlines": deadlines,
        "notes": notes, "events": events, "contacts": [contact],
    }


def build_store(root: Path, n_clients: int, passphrase: str, *, seed: int = 7, batch: int = 1000,
                log: Callable[[str], None] = print) -> list[str]:
    """A store of ``n_clients`` synthetic cases, 20 % of them closed or archived, imported with
    ``cases.import_cases`` in batches (cheap key derivation), its search index merged after
    (as the program does after a large import). Returns the clients' display names in order.

    The GUI benchmarks build their stores here; the slow part (about 2.4 s per 1000 cases on
    a 2-core machine) is worth keeping with their ``--keep`` and reusing with ``--dir``.
    """
    from lawyer_desk.core import cases, search
    from lawyer_desk.core.interchange import case_json as cj
    from lawyer_desk.core.store import KdfParams, Store

    words = TextMaker(random.Random(seed))
    rng = random.Random(seed + 1)
    today = date.today()
    names: list[str] = []
    store = Store.create(root, passphrase, KdfParams.cheap())
    try:
        for start in range(0, n_clients, batch):
            dicts = [case_dict(i, rng, words, today) for i in range(start, min(start + batch, n_clients))]
            for case in dicts:
                case["client"]["status"] = rng.choice(["open"] * 8 + ["closed", "archived"])
                case["format"] = cj.FORMAT
                names.append(case["client"]["display_name"])
            parsed = [cj.CaseFileV1.model_validate(case) for case in dicts]
            with store.session() as session:
                cases.import_cases(session, parsed)
            log(f"  {start + len(dicts)} clients")
        with store.session() as session:
            search.optimize(session)
    finally:
        store.close()
    return names
