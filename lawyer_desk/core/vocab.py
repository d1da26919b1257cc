"""The closed vocabularies of the case file, in the lawyers' words.

Member names equal their values so that the database holds the same word the code uses.
"""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    open = "open"
    closed = "closed"
    archived = "archived"


class CustodyStatus(StrEnum):
    free = "free"
    detained = "detained"
    bail = "bail"
    house_arrest = "house_arrest"
    unknown = "unknown"


class AsylumStatus(StrEnum):
    none = "none"
    applied = "applied"
    refugee = "refugee"
    subsidiary_protection = "subsidiary_protection"
    refused = "refused"
    appeal = "appeal"
    unknown = "unknown"


class Sex(StrEnum):
    male = "male"
    female = "female"
    unknown = "unknown"


class Script(StrEnum):
    latin = "Latin"
    arabic = "Arabic"
    cyrillic = "Cyrillic"
    han = "Han"
    other = "other"


class NameKind(StrEnum):
    legal = "legal"
    alias = "alias"
    transliteration = "transliteration"
    former = "former"
    as_published = "as_published"


class AlertType(StrEnum):
    red_notice = "red_notice"
    wanted_person_diffusion = "wanted_person_diffusion"
    other_diffusion = "other_diffusion"
    blue_notice = "blue_notice"
    yellow_notice = "yellow_notice"
    other_notice = "other_notice"


class Publicity(StrEnum):
    public_extract = "public_extract"
    restricted = "restricted"
    unknown = "unknown"


class AlertStatus(StrEnum):
    requested = "requested"
    published = "published"
    challenged = "challenged"
    suspended = "suspended"
    deleted = "deleted"
    maintained = "maintained"
    cancelled_by_source = "cancelled_by_source"
    unknown = "unknown"


class Ground(StrEnum):
    """Grounds on which an alert is challenged before the CCF."""

    art3_political = "art3_political"
    art2_human_rights = "art2_human_rights"
    refugee_policy = "refugee_policy"
    rpd_minimum_criteria = "rpd_minimum_criteria"
    due_process = "due_process"
    trial_in_absentia = "trial_in_absentia"
    private_dispute = "private_dispute"
    no_extradition_action = "no_extradition_action"
    insufficient_description = "insufficient_description"
    other = "other"


class Forum(StrEnum):
    ccf = "ccf"
    extradition_court = "extradition_court"
    appeal = "appeal"
    asylum = "asylum"
    echr = "echr"
    un_cat = "un_cat"
    un_hrc = "un_hrc"
    ministry = "ministry"
    other = "other"


class ProceedingStatus(StrEnum):
    planned = "planned"
    pending = "pending"
    decided = "decided"
    appealed = "appealed"
    closed = "closed"


class CcfRequestType(StrEnum):
    access = "access"
    correction = "correction"
    deletion = "deletion"


class CcfDecision(StrEnum):
    compliant = "compliant"
    not_compliant = "not_compliant"
    compliant_with_update = "compliant_with_update"
    inadmissible = "inadmissible"


class DeadlineKind(StrEnum):
    statutory = "statutory"
    practice = "practice"
    possible = "possible"


class DeadlineStatus(StrEnum):
    open = "open"
    done = "done"
    missed = "missed"


class NoteFormat(StrEnum):
    markdown = "markdown"
    plain = "plain"


class ContactRole(StrEnum):
    co_counsel = "co_counsel"
    ngo = "ngo"
    embassy = "embassy"
    ncb = "ncb"
    interpreter = "interpreter"
    family = "family"
    authority = "authority"
    expert = "expert"
    other = "other"


class ExhibitKind(StrEnum):
    warrant = "warrant"
    notice = "notice"
    ccf_decision = "ccf_decision"
    court_decision = "court_decision"
    asylum_decision = "asylum_decision"
    country_report = "country_report"
    expert_report = "expert_report"
    medical_report = "medical_report"
    media = "media"
    correspondence = "correspondence"
    identity = "identity"
    photo = "photo"
    other = "other"


class TextStatus(StrEnum):
    """Whether an exhibit's text could be taken out for search."""

    text = "text"  # extracted and indexed
    no_text = "no_text"  # a document without a text layer (a scanned PDF)
    not_extracted = "not_extracted"  # not tried yet (or stopped)
    unsupported = "unsupported"  # a kind of file whose text is not read (images, audio…)
    unreadable = "unreadable"  # the file is damaged or not what its name says; stored as it is


class VerifiedState(StrEnum):
    intact = "intact"
    altered = "altered"
    missing = "missing"
