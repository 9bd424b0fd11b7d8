"""Venue accessibility features: THE one vocabulary for the venue editor, the detail pane, leaflets,
exports and imports.

A venue stores short codes (``step_free``). Each feature has:
  - ``label``: the words on staff screens and in exports (the venue editor's tick boxes);
  - ``patient``: the words a patient reads on a leaflet;
  - ``synonyms``: other ways spreadsheets and Open Referral feeds say the same thing, so that an
    import turns "Disabled toilet" or "Induction loop" into the same code.

Codes this list does not know (kept from an import) are shown by `staff_label` / `patient_wording`
in words ("braille_menus" -> "Braille menus"; free text is kept as written).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class AccessibilityFeature:
    code: str
    label: str
    patient: str
    synonyms: tuple[str, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        """Everything that means this feature when read from an import."""
        return (self.code, self.label, self.patient, *self.synonyms)


#: In the order the venue editor shows them.
ACCESSIBILITY_FEATURES: tuple[AccessibilityFeature, ...] = (
    AccessibilityFeature(
        "step_free", "Step-free access", "Step-free access",
        ("step free", "step-free entrance", "step free entrance", "level access", "level entrance",
         "no steps", "ramp", "ramped access", "ramped entrance", "wheelchair access", "wheelchair accessible",
         "wheelchair accessible entrance", "accessible entrance")),
    AccessibilityFeature(
        "accessible_toilet", "Accessible toilet", "Accessible toilet",
        ("accessible toilets", "disabled toilet", "disabled toilets", "accessible wc", "disabled wc",
         "wheelchair accessible toilet", "accessible loo")),
    AccessibilityFeature(
        "hearing_loop", "Hearing loop", "Hearing loop",
        ("induction loop", "hearing induction loop", "audio induction loop", "audio frequency induction loop",
         "loop system", "hearing loop system", "t loop")),
    AccessibilityFeature(
        "lift", "Lift", "Lift",
        ("lifts", "lift to all floors", "lift access", "passenger lift", "elevator", "elevators")),
    AccessibilityFeature(
        "accessible_parking", "Accessible parking", "Accessible parking",
        ("disabled parking", "blue badge parking", "blue badge spaces", "accessible car parking",
         "disabled car parking", "disabled parking spaces")),
    AccessibilityFeature(
        "quiet_space", "Quiet space", "Quiet space",
        ("quiet room", "quiet area", "quiet zone", "calm space", "sensory room")),
    AccessibilityFeature(
        "large_print", "Large print materials", "Large print materials",
        ("large print", "large print information", "large print leaflets", "information in large print")),
    AccessibilityFeature(
        "bsl", "British Sign Language interpreter", "British Sign Language interpreter",
        ("bsl", "bsl interpreter", "british sign language", "british sign language bsl interpreter",
         "sign language interpreter", "sign language")),
)

BY_CODE: dict[str, AccessibilityFeature] = {f.code: f for f in ACCESSIBILITY_FEATURES}
#: code -> words on staff screens and in exports.
STAFF_LABELS: dict[str, str] = {f.code: f.label for f in ACCESSIBILITY_FEATURES}
#: code -> words on patient leaflets.
PATIENT_WORDING: dict[str, str] = {f.code: f.patient for f in ACCESSIBILITY_FEATURES}

_NOT_WORDS = re.compile(r"[^0-9a-z]+")
#: Words that do not change which feature is meant ("Hearing loop available").
_FILLER = re.compile(r"^(?:(?:a|an|the|has|have|with)\s+)+|(?:\s+(?:available|provided|on site|onsite|"
                     r"in the building|in building|at the venue))+$")


def _key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().replace("&", " and ")
    words = _NOT_WORDS.sub(" ", plain).strip()
    return _FILLER.sub("", words).strip()


_BY_WORDS: dict[str, str] = {}
for _feature in ACCESSIBILITY_FEATURES:
    for _word in _feature.words:
        _BY_WORDS.setdefault(_key(_word), _feature.code)


def feature_code(text: str | None) -> str | None:
    """The code for a label, a patient wording, a synonym or a code; None when not recognised.

    Case, accents, hyphens, punctuation and a trailing "available" do not matter:
    "Step free access", "WHEELCHAIR ACCESSIBLE" and "Hearing loop available" are all recognised.
    """
    if not text or not text.strip():
        return None
    return _BY_WORDS.get(_key(text))


def _humanise(code: str) -> str:
    text = code.strip()
    if "_" in text and " " not in text:
        return text.replace("_", " ").capitalize()
    return text[:1].upper() + text[1:]


def staff_label(code: str) -> str:
    """The words staff see for a stored code."""
    feature = BY_CODE.get(code)
    return feature.label if feature is not None else _humanise(code)


def patient_wording(code: str) -> str:
    """The words a patient reads on a leaflet for a stored code."""
    feature = BY_CODE.get(code)
    return feature.patient if feature is not None else _humanise(code)


__all__ = [
    "ACCESSIBILITY_FEATURES",
    "BY_CODE",
    "PATIENT_WORDING",
    "STAFF_LABELS",
    "AccessibilityFeature",
    "feature_code",
    "patient_wording",
    "staff_label",
]
