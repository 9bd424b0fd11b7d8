"""Enumerations shared by every layer. Values are stored in the database as their `.value`."""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A string enum with a plain-English label for people."""

    @property
    def label(self) -> str:
        # Keyed by (enum class, value): StrEnum members of different enums with the same value
        # (RegisterKind.NONE, RelationshipHealth.NONE) are equal and hash alike, so a plain
        # member-keyed lookup would give one enum's label to the other.
        return _LABELS_BY_TYPE.get((type(self), self.value), self.value.replace("_", " ").capitalize())

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class OrganisationStatus(LabelledEnum):
    ACTIVE = "active"
    TEMPORARILY_CLOSED = "temporarily_closed"
    CLOSED = "closed"


class ServiceStatus(LabelledEnum):
    ACTIVE = "active"
    TEMPORARILY_CLOSED = "temporarily_closed"
    INACTIVE = "inactive"


class RegisterKind(LabelledEnum):
    OSCR = "oscr"
    CCEW = "ccew"
    CCNI = "ccni"
    COMPANIES_HOUSE = "companies_house"
    NONE = "none"


class AccessRoute(LabelledEnum):
    SELF_REFERRAL = "self_referral"
    PROFESSIONAL_REFERRAL = "professional_referral"
    DROP_IN = "drop_in"
    APPOINTMENT = "appointment"


class PhoneType(LabelledEnum):
    VOICE = "voice"
    TEXT = "text"
    TEXTPHONE = "textphone"
    FAX = "fax"
    VIDEO = "video"


class VettingStatus(LabelledEnum):
    NOT_VETTED = "not_vetted"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SUSPENDED = "suspended"
    DECLINED = "declined"

    @property
    def symbol(self) -> str:
        return _VETTING_SYMBOLS[self]


class AppRole(LabelledEnum):
    """App roles, from least to most powerful. Each role can do everything the ones before it can."""

    FRONT_DESK = "front_desk"
    CLINICIAN = "clinician"
    VETTING_LEAD = "vetting_lead"
    ADMINISTRATOR = "administrator"

    @property
    def rank(self) -> int:
        return list(AppRole).index(self)


class ContactKind(LabelledEnum):
    MEETING_AT_PRACTICE = "meeting_at_practice"
    VISIT = "visit"
    PHONE = "phone"
    EMAIL = "email"
    VIDEO = "video"
    EVENT = "event"
    TRAINING = "training"
    # Plans: logged when arranged, with the planned date as their follow-up. Not a meeting yet:
    # marking the follow-up done logs the face-to-face contact (`held_as`).
    INVITE = "invite"
    VISIT_PLANNED = "visit_planned"

    @property
    def face_to_face(self) -> bool:
        return self in (ContactKind.MEETING_AT_PRACTICE, ContactKind.VISIT, ContactKind.EVENT,
                        ContactKind.TRAINING)

    @property
    def is_plan(self) -> bool:
        return self in (ContactKind.INVITE, ContactKind.VISIT_PLANNED)

    @property
    def held_as(self) -> ContactKind:
        """The face-to-face contact a plan becomes when it happens."""
        return {ContactKind.INVITE: ContactKind.MEETING_AT_PRACTICE,
                ContactKind.VISIT_PLANNED: ContactKind.VISIT}.get(self, self)

    @property
    def planned_action(self) -> str:
        """The follow-up a plan creates, in words."""
        return {ContactKind.INVITE: "Practice meeting with them",
                ContactKind.VISIT_PLANNED: "Visit them"}.get(self, "")


class TrustNoteKind(LabelledEnum):
    POSITIVE = "positive"
    CONCERN = "concern"
    PATIENT_FEEDBACK = "patient_feedback"
    SAFEGUARDING = "safeguarding"
    GENERAL = "general"


class ProblemKind(LabelledEnum):
    """What is wrong with a service, as someone at the practice reported it (issue 18)."""

    NUMBER_DOES_NOT_WORK = "number_does_not_work"
    CLOSED_OR_MOVED = "closed_or_moved"
    BAD_EXPERIENCE = "bad_experience"
    SAFEGUARDING = "safeguarding"
    OTHER = "other"


class RelationshipHealth(LabelledEnum):
    STRONG = "strong"
    FADING = "fading"
    NONE = "none"

    @property
    def symbol(self) -> str:
        return {"strong": "●", "fading": "◐", "none": "○"}[self.value]


class SignpostingMethod(LabelledEnum):
    LEAFLET = "leaflet"
    PHONED = "phoned"
    REFERRAL_FORM = "referral_form"
    EMAIL = "email"


class Outcome(LabelledEnum):
    ENGAGED = "engaged"
    ATTENDED_ONCE = "attended_once"
    DID_NOT_ATTEND = "did_not_attend"
    NOT_SUITABLE = "not_suitable"
    SERVICE_FULL = "service_full"
    DECLINED = "declined"
    NOT_KNOWN = "not_known"


class AckOutcome(LabelledEnum):
    """What an organisation told the practice when it quoted a leaflet reference back."""

    ARRIVED = "arrived"
    CONTACTED = "contacted"
    ATTENDED = "attended"
    NOT_SUITABLE = "not_suitable"
    DID_NOT_ATTEND = "did_not_attend"


class Experience(LabelledEnum):
    GOOD = "good"
    MIXED = "mixed"
    POOR = "poor"


class AuditAction(LabelledEnum):
    CREATE = "create"
    UPDATE = "update"
    ARCHIVE = "archive"
    RESTORE = "restore"
    DELETE = "delete"
    VETTING = "vetting"
    IMPORT = "import"
    SETTING = "setting"
    PURGE = "purge"
    SIGN_IN = "sign_in"
    EXPORT = "export"
    REPORT = "report"  # a report given outside the practice (partner report)


_VETTING_SYMBOLS = {
    VettingStatus.NOT_VETTED: "○",
    VettingStatus.IN_REVIEW: "⟳",
    VettingStatus.APPROVED: "✓",
    VettingStatus.SUSPENDED: "⊘",
    VettingStatus.DECLINED: "✗",
}

_LABELS: dict[object, str] = {
    OrganisationStatus.TEMPORARILY_CLOSED: "Temporarily closed",
    ServiceStatus.TEMPORARILY_CLOSED: "Temporarily closed",
    RegisterKind.OSCR: "Scottish Charity Regulator (OSCR)",
    RegisterKind.CCEW: "Charity Commission (England and Wales)",
    RegisterKind.CCNI: "Charity Commission for Northern Ireland",
    RegisterKind.COMPANIES_HOUSE: "Companies House",
    RegisterKind.NONE: "Not registered",
    AccessRoute.SELF_REFERRAL: "Self-referral",
    AccessRoute.PROFESSIONAL_REFERRAL: "GP or professional referral",
    AccessRoute.DROP_IN: "Drop-in",
    AccessRoute.APPOINTMENT: "By appointment",
    PhoneType.VOICE: "Phone",
    PhoneType.TEXT: "Text message",
    PhoneType.TEXTPHONE: "Textphone",
    VettingStatus.NOT_VETTED: "Not checked",  # by the practice (issue 15: "Not checked" in words and symbol)
    VettingStatus.IN_REVIEW: "In review",
    AppRole.FRONT_DESK: "Front desk",
    AppRole.VETTING_LEAD: "Vetting lead",
    ContactKind.MEETING_AT_PRACTICE: "Face-to-face meeting at the practice",
    ContactKind.VISIT: "Visit to the organisation",
    ContactKind.PHONE: "Phone call",
    ContactKind.VIDEO: "Video call",
    ContactKind.EVENT: "Network or community event",
    ContactKind.TRAINING: "Training or talk to the practice team",
    ContactKind.INVITE: "Invitation to a practice meeting (planned)",
    ContactKind.VISIT_PLANNED: "Visit arranged (planned)",
    ProblemKind.NUMBER_DOES_NOT_WORK: "The number does not work",
    ProblemKind.CLOSED_OR_MOVED: "Closed or moved",
    ProblemKind.BAD_EXPERIENCE: "A patient reported a bad experience",
    ProblemKind.SAFEGUARDING: "Safeguarding concern",
    ProblemKind.OTHER: "Something else",
    TrustNoteKind.POSITIVE: "Positive experience",
    TrustNoteKind.PATIENT_FEEDBACK: "Patient feedback",
    TrustNoteKind.SAFEGUARDING: "Safeguarding concern",
    TrustNoteKind.GENERAL: "General information",
    SignpostingMethod.LEAFLET: "Leaflet given",
    SignpostingMethod.PHONED: "Phoned on the patient's behalf",
    SignpostingMethod.REFERRAL_FORM: "Referral form sent",
    SignpostingMethod.EMAIL: "E-mail",
    Outcome.ENGAGED: "Attended and engaged",
    Outcome.DID_NOT_ATTEND: "Did not attend",
    Outcome.SERVICE_FULL: "Service full or waiting list",
    AckOutcome.ARRIVED: "Reference arrived (no outcome given)",
    AckOutcome.CONTACTED: "Contacted by them",
}

_LABELS_BY_TYPE: dict[tuple[type, str], str] = {(type(k), k.value): v for k, v in _LABELS.items()
                                                  if isinstance(k, LabelledEnum)}
