"""The database schema, as typed SQLAlchemy 2.x models.

Field names follow Open Referral HSDS 3.0 where there is an equivalent (organization ->
Organisation, service_at_location -> ServiceAtLocation, schedule, phone, contact, location),
so that interop is a mapping, not a translation. Tables that people edit carry created/updated
timestamps (stamped by the session's clock, see `db.session`) and an integer `version` used for
optimistic concurrency (`version_id_col`): a stale save raises StaleDataError instead of
silently overwriting someone else's change.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from sp_desktop.domain.confidence import Capacity
from sp_desktop.domain.enums import (
    AckOutcome,
    AppRole,
    AuditAction,
    ContactKind,
    Experience,
    OrganisationStatus,
    Outcome,
    PhoneType,
    RegisterKind,
    ServiceStatus,
    SignpostingMethod,
    TrustNoteKind,
    VettingStatus,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_uid() -> str:
    return str(uuid.uuid4())


def enum_column(enum_cls: type, **kw: Any) -> Any:
    """Store an enum as its value in a plain VARCHAR (portable, no native ENUM types)."""
    return Enum(enum_cls, native_enum=False, create_constraint=False, length=32,
                values_callable=lambda e: [m.value for m in e], validate_strings=True, **kw)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Timestamped:
    """created/updated stamps, set in `before_flush` from the session's clock."""

    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class Versioned(Timestamped):
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.version}


# --------------------------------------------------------------------------- staff
class Staff(Versioned, Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    job_role: Mapped[str] = mapped_column(String(80), default="")
    app_role: Mapped[AppRole] = mapped_column(enum_column(AppRole))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_sign_in: Mapped[datetime | None] = mapped_column(DateTime)
    # the password was set by an administrator (new account or reset): change it at first sign-in
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


# --------------------------------------------------------------------------- directory
class Organisation(Versioned, Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True, default=new_uid)
    name: Mapped[str] = mapped_column(String(300), index=True)
    alternate_name: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(320))
    legal_status: Mapped[str | None] = mapped_column(String(200))
    register_kind: Mapped[RegisterKind] = mapped_column(enum_column(RegisterKind), default=RegisterKind.NONE)
    registration_number: Mapped[str | None] = mapped_column(String(40))
    logo_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[OrganisationStatus] = mapped_column(enum_column(OrganisationStatus),
                                                      default=OrganisationStatus.ACTIVE)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    # vetting (issue 3)
    vetting_status: Mapped[VettingStatus] = mapped_column(enum_column(VettingStatus),
                                                          default=VettingStatus.NOT_VETTED, index=True)
    vetting_reason: Mapped[str | None] = mapped_column(Text)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    approved_on: Mapped[date | None] = mapped_column(Date)
    next_review_on: Mapped[date | None] = mapped_column(Date, index=True)
    # where it came from (imports, issue 7)
    source_feed: Mapped[str | None] = mapped_column(String(200))
    source_id: Mapped[str | None] = mapped_column(String(200))
    source_checksum: Mapped[str | None] = mapped_column(String(64))
    # What a neighbouring practice's shared directory said (migration 0015): {"practice", "vetted_on",
    # "review_due", "checks": [{"item", "checked_on"}]}. The neighbour's word, never this practice's approval.
    shared_vetting: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    services: Mapped[list[Service]] = relationship(back_populates="organisation",
                                                   order_by="Service.name")
    locations: Mapped[list[Location]] = relationship(back_populates="organisation",
                                                     order_by="Location.name")
    contacts: Mapped[list[Contact]] = relationship(back_populates="organisation",
                                                   order_by="Contact.name")
    phones: Mapped[list[Phone]] = relationship(
        primaryjoin="and_(Phone.organisation_id == Organisation.id, Phone.service_id.is_(None),"
                    " Phone.location_id.is_(None), Phone.contact_id.is_(None))",
        viewonly=True, order_by="Phone.id")


service_category = Table(
    "service_category", Base.metadata,
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("category.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_service_category_category", "category_id"),
)


class Service(Versioned, Base):
    __tablename__ = "service"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True, default=new_uid)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    alternate_name: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(320))
    eligibility: Mapped[str | None] = mapped_column(Text)
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    access_self_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    access_professional_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    access_drop_in: Mapped[bool] = mapped_column(Boolean, default=False)
    access_appointment: Mapped[bool] = mapped_column(Boolean, default=False)
    application_process: Mapped[str | None] = mapped_column(Text)
    referral_form_url: Mapped[str | None] = mapped_column(String(500))
    is_free: Mapped[bool] = mapped_column(Boolean, default=True)
    fee_description: Mapped[str | None] = mapped_column(Text)
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    interpretation: Mapped[str | None] = mapped_column(Text)
    bsl: Mapped[bool] = mapped_column(Boolean, default=False)
    by_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    schedule_notes: Mapped[str | None] = mapped_column(Text)
    service_area: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[ServiceStatus] = mapped_column(enum_column(ServiceStatus), default=ServiceStatus.ACTIVE)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_verified_on: Mapped[date | None] = mapped_column(Date)
    last_verified_by: Mapped[str | None] = mapped_column(String(120))
    source_feed: Mapped[str | None] = mapped_column(String(200))
    source_id: Mapped[str | None] = mapped_column(String(200))
    source_checksum: Mapped[str | None] = mapped_column(String(64))
    # What a feed's publisher said (migration 0009): never the practice's own "last checked".
    publisher_assured_on: Mapped[date | None] = mapped_column(Date)
    publisher_assured_by: Mapped[str | None] = mapped_column(String(320))
    publisher_modified_on: Mapped[date | None] = mapped_column(Date)
    # The source said nothing about cost / ages (shown as "Cost not stated" / "Age not stated").
    cost_not_stated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    age_not_stated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Set when a patient-facing field changed without anyone saying they checked the details (0007);
    # cleared when someone does. Reviews due shows it as "changed since last checked".
    changed_since_checked_at: Mapped[datetime | None] = mapped_column(DateTime)

    organisation: Mapped[Organisation] = relationship(back_populates="services")
    categories: Mapped[list[Category]] = relationship(secondary=service_category, order_by="Category.name")
    locations: Mapped[list[Location]] = relationship(secondary="service_at_location", viewonly=True,
                                                     order_by="Location.name")
    schedules: Mapped[list[Schedule]] = relationship(back_populates="service", cascade="all, delete-orphan",
                                                     order_by="(Schedule.weekday, Schedule.opens_at)")
    phones: Mapped[list[Phone]] = relationship(
        primaryjoin="Phone.service_id == Service.id", viewonly=True, order_by="Phone.id")
    contacts: Mapped[list[Contact]] = relationship(
        primaryjoin="Contact.service_id == Service.id", viewonly=True, order_by="Contact.name")


class Location(Versioned, Base):
    __tablename__ = "location"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True, default=new_uid)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    address_1: Mapped[str | None] = mapped_column(String(300))
    address_2: Mapped[str | None] = mapped_column(String(300))
    town: Mapped[str | None] = mapped_column(String(120), index=True)
    region: Mapped[str | None] = mapped_column(String(120))
    postcode: Mapped[str | None] = mapped_column(String(12))
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()
    accessibility: Mapped[list[Any]] = mapped_column(JSON, default=list)
    accessibility_notes: Mapped[str | None] = mapped_column(Text)
    transport_notes: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(60))  # as the source gave it (migration 0009)
    # A refuge or safe house (migration 0014): street, postcode and map position never leave the
    # practice and are not shown to the front desk (domain.locations.public_location).
    confidential: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    organisation: Mapped[Organisation | None] = relationship(back_populates="locations")


class ServiceAtLocation(Base):
    __tablename__ = "service_at_location"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True, default=new_uid)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"), index=True)
    __table_args__ = (UniqueConstraint("service_id", "location_id"),)


class Contact(Versioned, Base):
    """A named person at an organisation (HSDS `contact`)."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True, default=new_uid)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(320))

    organisation: Mapped[Organisation | None] = relationship(back_populates="contacts")


class Phone(Base):
    __tablename__ = "phone"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True, default=new_uid)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"),
                                                        index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(32))
    type: Mapped[PhoneType] = mapped_column(enum_column(PhoneType), default=PhoneType.VOICE)
    description: Mapped[str | None] = mapped_column(String(200))


class Schedule(Base):
    """One weekly opening slot (HSDS `schedule` with freq=WEEKLY, byday)."""

    __tablename__ = "schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True, default=new_uid)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    opens_at: Mapped[str | None] = mapped_column(String(5))
    closes_at: Mapped[str | None] = mapped_column(String(5))
    note: Mapped[str | None] = mapped_column(String(200))

    service: Mapped[Service] = relationship(back_populates="schedules")


class Category(Versioned, Base):
    """A need in the practice's two-level taxonomy (HSDS `taxonomy_term`)."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    parent: Mapped[Category | None] = relationship(remote_side="Category.id", back_populates="children")
    children: Mapped[list[Category]] = relationship(back_populates="parent", order_by="Category.sort_order")


# --------------------------------------------------------------------------- vetting (issue 3)
class VettingCheckItem(Versioned, Base):
    """An item on the practice's vetting checklist (editable by the practice)."""

    __tablename__ = "vetting_check_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    label: Mapped[str] = mapped_column(String(300))
    guidance: Mapped[str | None] = mapped_column(Text)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    has_expiry: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Kinds of organisation it applies to (OrganisationKind values, migration 0016); NULL or empty: all.
    applies_to: Mapped[list[str] | None] = mapped_column(JSON)


class VettingEvidence(Versioned, Base):
    """Evidence for one checklist item for one organisation: who checked, when, notes, expiry."""

    __tablename__ = "vetting_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("vetting_check_item.id"))
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    checked_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    # "Does not apply" and why (migration 0016); who and when are checked_by_id / checked_on.
    not_applicable_reason: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("organisation_id", "item_id"),)


# --------------------------------------------------------------------------- relationships (issue 4)
contact_event_staff = Table(
    "contact_event_staff", Base.metadata,
    Column("contact_event_id", ForeignKey("contact_event.id", ondelete="CASCADE"), primary_key=True),
    Column("staff_id", ForeignKey("staff.id"), primary_key=True),
    Index("ix_contact_event_staff_staff", "staff_id"),
)

contact_event_person = Table(
    "contact_event_person", Base.metadata,
    Column("contact_event_id", ForeignKey("contact_event.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contact.id"), primary_key=True),
)


class ContactEvent(Versioned, Base):
    """A contact between the practice and an organisation (call, meeting, visit...)."""

    __tablename__ = "contact_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    kind: Mapped[ContactKind] = mapped_column(enum_column(ContactKind))
    summary: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    follow_up_action: Mapped[str | None] = mapped_column(Text)
    follow_up_owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    follow_up_due: Mapped[date | None] = mapped_column(Date, index=True)
    follow_up_done_at: Mapped[datetime | None] = mapped_column(DateTime)
    follow_up_done_note: Mapped[str | None] = mapped_column(Text)

    staff: Mapped[list[Staff]] = relationship(secondary=contact_event_staff, order_by="Staff.name")
    people: Mapped[list[Contact]] = relationship(secondary=contact_event_person, order_by="Contact.name")


class TrustNote(Versioned, Base):
    """A private note about an organisation or service. Internal: never leaves the practice."""

    __tablename__ = "trust_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"))
    kind: Mapped[TrustNoteKind] = mapped_column(enum_column(TrustNoteKind))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    noted_on: Mapped[date] = mapped_column(Date)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)


# --------------------------------------------------------------------------- signposting (issue 6)
signposting_reason = Table(
    "signposting_reason", Base.metadata,
    Column("signposting_id", ForeignKey("signposting.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("category.id"), primary_key=True),
)


class Signposting(Versioned, Base):
    """A record that the practice signposted someone to one or more services."""

    __tablename__ = "signposting"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    method: Mapped[SignpostingMethod] = mapped_column(enum_column(SignpostingMethod))
    patient_ref: Mapped[str | None] = mapped_column(String(40))
    follow_up_on: Mapped[date | None] = mapped_column(Date, index=True)
    follow_up_done: Mapped[bool] = mapped_column(Boolean, default=False)
    ons4_before: Mapped[list[Any] | None] = mapped_column(JSON)
    ons4_after: Mapped[list[Any] | None] = mapped_column(JSON)

    items: Mapped[list[SignpostingItem]] = relationship(back_populates="signposting",
                                                        cascade="all, delete-orphan")
    reasons: Mapped[list[Category]] = relationship(secondary=signposting_reason)
    # the report reads periods from this index alone (migration 0006)
    __table_args__ = (Index("ix_signposting_period", "occurred_on", "id", "staff_id", "method"),)


class SignpostingItem(Versioned, Base):
    """One service in a signposting record, with its outcome once known."""

    __tablename__ = "signposting_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    signposting_id: Mapped[int] = mapped_column(ForeignKey("signposting.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome))
    experience: Mapped[Experience | None] = mapped_column(enum_column(Experience))
    experience_note: Mapped[str | None] = mapped_column(Text)
    share_feedback: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    outcome_on: Mapped[date | None] = mapped_column(Date)

    signposting: Mapped[Signposting] = relationship(back_populates="items")
    # each record's items and outcomes, for the report, from this index alone (migration 0006)
    __table_args__ = (Index("ix_signposting_item_report", "signposting_id", "service_id", "outcome",
                            "experience"),)


# --------------------------------------------------------------------------- audit and settings
class AuditEvent(Base):
    """Append-only record of every change. The app offers no way to edit or delete these."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    staff_name: Mapped[str] = mapped_column(String(120))
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    entity_label: Mapped[str] = mapped_column(String(300), default="")
    organisation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_audit_event_entity", "entity_type", "entity_id"),)


class Setting(Versioned, Base):
    """Practice-wide settings (practice name, review interval, patient references...)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


# --------------------------------------------------------------------------- leaflet references (issue 19)
leaflet_reference_service = Table(
    "leaflet_reference_service", Base.metadata,
    Column("reference_id", ForeignKey("leaflet_reference.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id"), primary_key=True),
)


class LeafletReference(Base):
    """The short code printed on a leaflet ("quote K7M-2QX"): random, nothing about the patient.

    Kept with the date, the services on the leaflet, how it left the practice and, when a
    signposting record was made at the same time, that record (unlinked when the record is
    purged: the code itself identifies no one)."""

    __tablename__ = "leaflet_reference"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    form: Mapped[str] = mapped_column(String(16))
    signposting_id: Mapped[int | None] = mapped_column(ForeignKey("signposting.id", ondelete="SET NULL"),
                                                       index=True)

    services: Mapped[list[Service]] = relationship(secondary=leaflet_reference_service,
                                                   order_by="Service.name")


class ReferenceAcknowledgement(Base):
    """An organisation told the practice that a leaflet's reference reached them."""

    __tablename__ = "reference_acknowledgement"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference_id: Mapped[int] = mapped_column(ForeignKey("leaflet_reference.id", ondelete="CASCADE"),
                                              index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    outcome: Mapped[AckOutcome] = mapped_column(enum_column(AckOutcome))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    __table_args__ = (UniqueConstraint("reference_id", "service_id",
                                       name="uq_reference_acknowledgement_once"),)


# --------------------------------------------------------------------------- problems reported (0014)
class ServiceProblem(Base):
    """Someone at the practice reported a problem with a service (the number does not work, it
    has closed or moved, a patient had a bad experience, a safeguarding concern...). While it is
    open the service shows "Problem reported" to everyone and a leaflet for it needs a reason;
    the vetting lead resolves it from Reviews. Nothing about the patient is stored."""

    __tablename__ = "service_problem"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[datetime] = mapped_column(DateTime)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reported_by: Mapped[str] = mapped_column(String(120))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    resolution: Mapped[str | None] = mapped_column(Text)


# --------------------------------------------------------------------------- suggested changes (0007)
class ChangeSuggestion(Base):
    """A correction the front desk suggested to an approved organisation's or service's patient-facing
    details. Nothing on the record changes until a vetting lead accepts it, field by field.

    `changes` maps field -> {"label", "old", "new"} (the values as the form holds them, so an
    accepted field is saved exactly as suggested); `accepted` lists the fields taken on."""

    __tablename__ = "change_suggestion"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    entity_label: Mapped[str] = mapped_column(String(300), default="")
    organisation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    suggested_at: Mapped[datetime] = mapped_column(DateTime)
    suggested_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    suggested_by: Mapped[str] = mapped_column(String(120))
    base_version: Mapped[int] = mapped_column(Integer)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    accepted: Mapped[list[Any]] = mapped_column(JSON, default=list)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by: Mapped[str | None] = mapped_column(String(120))


# --------------------------------------------------------------------------- confidence at choice (18)
class HelpNote(Versioned, Base):
    """"Why this helps": a short clinician-facing note for a category (or one service) on what the
    support does and what to expect, with its source. Internal: never printed on patient leaflets.
    Exactly one of `category_id` / `service_id` is set (the service checks it)."""

    __tablename__ = "help_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"),
                                                    unique=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), unique=True)
    note: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(300))  # a citation, or "practice experience"
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    author_name: Mapped[str] = mapped_column(String(120))
    written_on: Mapped[date] = mapped_column(Date)


class ServiceCapacity(Base):
    """Whether a service is taking new people, as last confirmed (one row a service)."""

    __tablename__ = "service_capacity"

    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[Capacity] = mapped_column(enum_column(Capacity))
    wait_weeks: Mapped[int | None] = mapped_column(Integer)
    confirmed_on: Mapped[date] = mapped_column(Date)
    confirmed_by: Mapped[str] = mapped_column(String(120))
    contact_event_id: Mapped[int | None] = mapped_column(ForeignKey("contact_event.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class ServiceClosure(Base):
    """A dated closure of a service ("Closed 22 Dec to 5 Jan", with a reason that leaflets print)."""

    __tablename__ = "service_closure"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    reason: Mapped[str] = mapped_column(String(300))
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (Index("ix_service_closure_service", "service_id", "ends_on"),)


#: The track record counts one service's leaflets without reading every leaflet's (migration 0013).
Index("ix_leaflet_reference_service_service", leaflet_reference_service.c.service_id)
