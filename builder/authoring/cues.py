"""What a sentence says about a meeting, read by rules: the leaders it names, the words
that make it a meeting (or a planned, cancelled or denied one), its kind and its place.

The rules are meant to be precise rather than eager: a sentence that could be read two
ways is set aside with the reason, for the editor, rather than guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from builder.records.dates import MONTHS
from builder.records.ids import slug

_WORD_END = r"(?![\w\-])"


@dataclass(frozen=True)
class Named:
    """A leader's name found in a sentence, and the ids it may mean (more than one: ambiguous)."""

    start: int
    end: int
    text: str
    ids: tuple[str, ...]


class Names:
    """Every way ``leaders/`` lets a sentence name a leader: the full name, the surname (the
    name's last word), and the word of the name the id is made from ('xi' in 'Xi Jinping')."""

    def __init__(self, leaders: dict[str, str]) -> None:
        self.full = leaders
        forms: dict[str, set[str]] = {}
        for lid, name in leaders.items():
            words = name.split()
            for form in {name, words[-1], *(w for w in words if slug(w) == lid)}:
                forms.setdefault(form, set()).add(lid)
        self.forms = {form: tuple(sorted(ids)) for form, ids in forms.items()}
        alternatives = "|".join(re.escape(f) for f in sorted(self.forms, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<![\w\-])(?:{alternatives}){_WORD_END}") if self.forms else None

    def find(self, text: str) -> list[Named]:
        if self._pattern is None:
            return []
        return [Named(m.start(), m.end(), m.group(0), self.forms[m.group(0)]) for m in self._pattern.finditer(text)]

    def words(self) -> set[str]:
        return {w for form in self.forms for w in form.split()}


# "they" and its kin stand for a pair named nearby; "him" and "his counterpart" for one other leader.
GROUP = re.compile(
    r"\b(?:they|them|their|each other|one another|the pair|both (?:leaders|men|women|presidents)"
    r"|the (?:two )?(?:leaders|presidents|heads of state)|the two(?: (?:men|women|sides))?)\b",
    re.IGNORECASE,
)
OTHER = re.compile(r"\b(?:him|her|(?:his|her) (?:[A-Z][a-z]+ )?counterpart)\b|^(?:He|She)\b")


@dataclass(frozen=True)
class Cue:
    """A word that may make a sentence a meeting, and what its context makes of it."""

    start: int
    end: int
    text: str
    status: str  # "held", "planned", "cancelled", "denied", "proxy" or "general"
    marker: str = ""  # the word that gave the status


# Verbs that make a meeting only when a leader (or "him", "each other") is their object:
# "spoke to Putin" is a meeting, "spoke to reporters" is not.
_NEEDS_OBJECT = r"spoke (?:with|to)|talked (?:with|to)|hosted|received|visited|sat down with|met with"
_CUES = re.compile(
    rf"\b(?P<object>{_NEEDS_OBJECT})\b"
    r"|\b(?P<held>met|meets?|meeting|summit|talks|encounter|conversation|phoned|telephoned"
    r"|(?:sat|sit) down together|got together"
    r"|video ?conference|(?:phone|telephone|video) call|call (?:with|between)|(?:held|had) an? (?:[\w-]+ )?call"
    r"|by (?:tele)?phone|over the (?:tele)?phone|shook hands)\b"
    r"|\b(?P<general>meetings|summits|encounters|conversations|calls)\b",
    re.IGNORECASE,
)
_OBJECT_PRONOUN = re.compile(r"\s+(?:him|her|each other|one another|(?:his|her) (?:[A-Z][a-z]+ )?counterpart)\b")
_CANCELLED = re.compile(
    r"\b(?:cancel(?:l)?ed|cancel(?:l)?ation|called off|call(?:ing)? off|postponed|scrapped|shelved|abandoned"
    r"|fell through|put on hold|(?:did not|didn't|never|would not|won't) take place)\b",
    re.IGNORECASE,
)
_DENIED = re.compile(r"\b(?:not|never|no|nor|refused|declined|without|instead of|rather than)\b|n't\b", re.IGNORECASE)
_PLANNED = re.compile(
    r"\b(?:will|would|shall|plans?|planned|planning|proposed?|upcoming|future|expected|expects?|scheduled|set"
    r"|going|hopes?|hoped|agreed|intends?|intended|wants?|wanted|may|might|could|should|if|whether|possible"
    r"|possibly|potential|prospective|next|invited|invitation|offered|seeks?|sought|ready|willing|pending"
    r"|prepare|preparing|preparations|await(?:s|ed)?|later this|demanded|urged|called for|due)\b|'ll\b",
    re.IGNORECASE,
)
# "Trump's envoy met Putin": a meeting, but not of the leaders themselves
_PROXY = re.compile(
    r"\b(?:envoys?|aides?|advis[eo]rs?|ministers?|secretary|officials|delegations?|representatives?|negotiators?"
    r"|ambassadors?|spokes(?:man|woman|person))\b",
    re.IGNORECASE,
)
# "met several times": many meetings, not one
_MANY = re.compile(
    r"\b(?:several|many|multiple|three|four|numerous) times\b|\btwice\b|\brepeatedly\b|\bon (?:several|many)"
    r" occasions\b|\b(?:often|frequently|regularly|routinely)\b",
    re.IGNORECASE,
)
_CLAUSE_STOP = re.compile(r"[,;:()\u2014]|\s[\u2013-]\s")


def _clause_before(text: str, at: int, words: int = 6) -> str:
    """Up to ``words`` words before ``at``, within its clause."""
    before = _CLAUSE_STOP.split(text[:at])[-1]
    return " ".join(before.split()[-words:])


def _clause_after(text: str, at: int, words: int = 15) -> str:
    after = _CLAUSE_STOP.split(text[at:])[0]
    return " ".join(after.split()[:words])


def cues(text: str, names: list[Named]) -> list[Cue]:
    """The meeting words of a sentence, each with what its context says of it."""
    found = []
    for m in _CUES.finditer(text):
        word = m.group(0)
        if m.group("general"):
            found.append(Cue(m.start(), m.end(), word, "general", word))
            continue
        if m.group("object"):
            following = text[m.end() : m.end() + 60]
            heads = [n for n in names if m.end() <= n.start <= m.end() + 40]
            if not heads and not re.match(
                r"\s+(?:him|her|each other|one another|(?:his|her) counterpart)\b", following
            ):
                continue
        before, after = _clause_before(text, m.start()), _clause_after(text, m.end())
        status, marker = "held", ""
        if hit := _CANCELLED.search(before + " " + after):
            status, marker = "cancelled", hit.group(0)
        elif hit := _DENIED.search(before):
            status, marker = "denied", hit.group(0)
        elif (hit := _PLANNED.search(before)) or (hit := re.search(r"\bto(?:\s+\w+)?$", before)):
            status, marker = "planned", hit.group(0)
        elif hit := _PROXY.search(before):
            status, marker = "proxy", hit.group(0)
        elif hit := _MANY.search(before + " " + after):
            status, marker = "general", hit.group(0)
        found.append(Cue(m.start(), m.end(), word, status, marker))
    return found


_VIRTUAL = re.compile(r"\b(?:video|virtual|virtually|videoconference|online)\b", re.IGNORECASE)
_CALL = re.compile(
    r"\b(?:(?:tele)?phone[ds]?|call (?:with|between)|(?:held|had) an? (?:[\w-]+ )?call)\b", re.IGNORECASE
)
_EVENT = r"G\s?-?\d+|[A-Z]{2,}[A-Za-z]*|(?:United Nations )?General Assembly|World Economic Forum"
_SIDELINES = re.compile(
    rf"\b(?:sidelines|margins?)\b|\b(?:[Dd]uring|[Aa]t|on the sidelines of|on the margins of)\s+(?:the\s+|a\s+)?"
    rf"(?:\d{{4}}\s+)?(?P<event>{_EVENT})(?![\w-])"
)
_EVENT_ANYWHERE = re.compile(rf"\b(?:the\s+)?(?:\d{{4}}\s+)?(?P<event>{_EVENT})\s+(?:summit|meeting|forum)\b")
_SUMMIT = re.compile(r"\bsummit\b", re.IGNORECASE)


def kind_of(text: str) -> tuple[str, str | None]:
    """The meeting's kind from its wording, and for one on the sidelines, the larger event."""
    if _VIRTUAL.search(text):
        return "virtual", None
    if _CALL.search(text):
        return "call", None
    if side := _SIDELINES.search(text):
        event = side.group("event") or ((e := _EVENT_ANYWHERE.search(text)) and e.group("event")) or None
        return "sidelines", re.sub(r"\s+", "", event) if event and event.startswith("G") else event
    if _SUMMIT.search(text):
        return "summit", None
    return "bilateral", None


_NOT_PLACES = {
    "The",
    "This",
    "That",
    "These",
    "Those",
    "His",
    "Her",
    "Their",
    "Its",
    "Our",
    "A",
    "An",
    "Which",
    "What",
    "President",
    "Prime",
    "Chancellor",
    "Mr",
    "Mrs",
    "Ms",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    *MONTHS,
}
_PLACE_WORD = r"[A-Z][\w'\u2019\-]*"
_AFTER_IN = re.compile(
    rf"\b(?:[Ii]n|[Aa]t)\s+(?:the\s+)?(?P<p>{_PLACE_WORD}(?:\s+(?:{_PLACE_WORD}|de|la|del|am|upon|of\s+[A-Z]\w+))*)"
)
_BEFORE_SUMMIT = re.compile(
    r"(?<![\-\u2013])\b(?P<p>[A-Z][a-z][\w'\u2019]*)\s+(?:summit|Summit|talks|Talks|meeting|Meeting)\b"
)


def places(text: str, leader_words: set[str]) -> list[tuple[int, str]]:
    """Places a sentence names: 'in Geneva', 'at Camp David', 'the Helsinki summit'.
    Not a month, a leader, an organisation in capitals ('NATO') or a name with digits ('G20')."""
    found = []
    for pattern in (_AFTER_IN, _BEFORE_SUMMIT):
        for m in pattern.finditer(text):
            place = m.group("p")
            first = place.split()[0]
            if first in _NOT_PLACES or any(w in leader_words for w in re.split(r"[\s\-'\u2019]+", place)):
                continue
            if re.search(r"\d", place) or (first.isupper() and len(first) > 1):
                continue
            found.append((m.start("p"), place))
    return sorted(set(found))


# Words that make a run of capitalised words something other than a person: a title before
# a name is dropped, an institution or a place is not a name ("the White House", "Camp David").
_TITLES = frozenset(
    "President Prime Minister Chancellor Premier King Queen Prince Princess Crown Emperor Sheikh Emir Sultan "
    "General Secretary Vice Chairman Chairwoman Leader Mr Mrs Ms Dr Sir Dame".split()
)
_NOT_NAMES = frozenset(
    "Summit Talks Meeting Conference Forum Assembly Council Union Nations States Republic Kingdom House Party "
    "Ministry Office Palace Square Street Airport Agreement Treaty Accord Years Year Days Day Months Week War "
    "Crisis Games Cup Group Bank Fund Organization Organisation Court Parliament Congress Senate Kremlin".split()
)
_OPENERS = frozenset("the a an in at on during after before when while and but then later since as by for with".split())
_PLACE_BEFORE = re.compile(r"\b(?:the|in|at|to|from|near|of|across|outside|inside)\s+$", re.IGNORECASE)
_NAME_PARTICLES = frozenset("da das de del della der di do dos du la le van von bin ibn al el".split())
_WORD = re.compile(r"[^\W\d_][\w'\u2019\-]*")


def people(text: str, names: Names) -> list[str]:
    """Names of people a sentence gives that ``leaders/`` does not know: two to four
    capitalised words ('Olaf Scholz', 'Luiz Inácio Lula da Silva'), titles left out; never a
    place ('in New York'), an institution ('the White House') or a known leader."""
    if not re.search(r"[.!?][\"'\u201d\u2019)]*$", text.strip()):
        return []  # a heading ('Five Years of Talks') is capitalised throughout
    known = {w for form in names.forms for w in form.split()}
    words = list(_WORD.finditer(text))
    found: list[str] = []
    i = 0
    while i < len(words):
        if not words[i][0][0].isupper():
            i += 1
            continue
        run = [words[i]]
        while i + len(run) < len(words):
            nxt = words[i + len(run)]
            if text[run[-1].end() : nxt.start()].strip() or not (nxt[0][0].isupper() or nxt[0] in _NAME_PARTICLES):
                break
            run.append(nxt)
        i += len(run)
        while run and (run[-1][0] in _NAME_PARTICLES or not run[-1][0][0].isupper()):
            run.pop()
        while run and (run[0][0] in _TITLES or run[0][0].lower() in _OPENERS):
            run.pop(0)
        capitals = [w[0] for w in run if w[0][0].isupper()]
        if not 2 <= len(capitals) <= 4 or _PLACE_BEFORE.search(text[: run[0].start()]):
            continue
        if any(w in known or w in _NOT_PLACES or w in _NOT_NAMES or (w.isupper() and len(w) > 1) for w in capitals):
            continue
        found.append(text[run[0].start() : run[-1].end()])
    return found
