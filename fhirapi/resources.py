"""Tandem's records as FHIR R4 resources (clinical reference §6).

Every resource is built as a dict and validated by constructing it with the `fhir.resources`
R4B model (`fhir.resources.R4B`, FHIR 4.3): the package's default models are R5, it has no R4
package, and R4B keeps R4's shape for every resource mapped here. Ids are the records' public
UUIDs; nothing is coded that Tandem does not hold a code for (a medication, an instrument
without a declared LOINC total, or a drug-screen analyte clinical reference §10 gives no LOINC
code for, is sent as text).
"""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.consent import Consent as FhirConsent
from fhir.resources.R4B.coverage import Coverage as FhirCoverage
from fhir.resources.R4B.diagnosticreport import DiagnosticReport
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.group import Group
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.resource import Resource

from accounts.models import Program, User
from assessments.instruments import UnknownInstrumentError
from assessments.instruments import get as instrument
from assessments.models import Administration
from billing.models import Coverage
from consent.models import Consent, ConsentKind, ConsentStatus
from consent.recipients import NamedRecipient
from fhirapi.labels import SUBSTANCE_USE_INSTRUMENTS, is_substance_use_code, labelled
from intake.models import Diagnosis, DiagnosisStatus
from medications.models import Medication
from participants.models import CareTeamRole, Episode, EpisodeStatus, Participant
from plans.models import Comparator, Goal, TreatmentPlan
from screens.detection import BUP, FYL, MTD, OXY
from screens.models import (
    Confirmation,
    DrugScreen,
    Flag,
    Method,
    Result,
    ScreenResult,
    Specimen,
    Validity,
)

LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SCREENING_ASSESSMENT = (
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-screening-assessment"
)
LABORATORY_RESULT = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab"
BIRTH_SEX = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"

MODELS: dict[str, type[Resource]] = {
    "Patient": Patient,
    "EpisodeOfCare": EpisodeOfCare,
    "Condition": Condition,
    "Observation": Observation,
    "DiagnosticReport": DiagnosticReport,
    "CarePlan": CarePlan,
    "Goal": FhirGoal,
    "CareTeam": CareTeam,
    "MedicationStatement": MedicationStatement,
    "Consent": FhirConsent,
    "Coverage": FhirCoverage,
    "Bundle": Bundle,
    "OperationOutcome": OperationOutcome,
    "CapabilityStatement": CapabilityStatement,
    "Group": Group,
    "Encounter": Encounter,
    "Practitioner": Practitioner,
}


def validated(data: dict[str, Any]) -> dict[str, Any]:
    """The resource as the R4B model reads it back: a field the model refuses raises here,
    never reaching a client."""
    model = MODELS[data["resourceType"]]
    return model.model_validate(data).model_dump(mode="json")


def _patient_ref(participant: Participant) -> dict[str, str]:
    return {"reference": f"Patient/{participant.public_id}"}


def practitioner_ref(user: User) -> dict[str, str]:
    """A member of staff as a CareTeam or an Encounter names them: the Practitioner by the id
    `GET Practitioner/{id}` serves, and their name for a reader that does not follow it."""
    return {"reference": f"Practitioner/{user.public_id}", "display": str(user)}


def practitioner(user: User, active: bool) -> dict[str, Any]:
    """A member of staff: their name as Tandem shows it (the first and last names as given and
    family when the account holds them), their credentials as written (text, no code: Tandem
    holds none), and `active` while they work for the organization read from (`active`, which
    the read decides). No contact details, no roles: a receiving system needs neither to know
    who treated someone, and a role here is the organization's, not a qualification."""
    name: dict[str, Any] = {"text": str(user)}
    if user.last_name:
        name["family"] = user.last_name
    if user.first_name:
        name["given"] = [user.first_name]
    data: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": str(user.public_id),
        "active": active,
        "name": [name],
    }
    if user.credentials:
        data["qualification"] = [{"code": {"text": user.credentials}}]
    return validated(data)


def patient(p: Participant) -> dict[str, Any]:
    """Demographics only (no label: the access policy's demographics scope decides who reads
    it). US Core's birth-sex codes F, M and UNK are used; intersex has none and is left out."""
    names: list[dict[str, Any]] = [
        {"use": "official", "family": p.legal_last_name, "given": [p.legal_first_name]}
    ]
    if p.preferred_name:
        names.append({"use": "usual", "given": [p.preferred_name]})
    telecom = [{"system": "phone", "value": p.phone}] if p.phone else []
    if p.email:
        telecom.append({"system": "email", "value": p.email})
    data: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(p.public_id),
        "identifier": [
            {
                "use": "usual",
                "type": {"coding": [{"system": V2_0203, "code": "MR"}], "text": "Record number"},
                "value": p.record_number,
            }
        ],
        "active": True,
        "name": names,
        "birthDate": p.date_of_birth.isoformat(),
    }
    if telecom:
        data["telecom"] = telecom
    birth_sex = {"female": "F", "male": "M", "unknown": "UNK"}.get(p.sex_at_birth)
    if birth_sex:
        data["extension"] = [{"url": BIRTH_SEX, "valueCode": birth_sex}]
    if p.preferred_language:
        data["communication"] = [{"language": {"text": p.preferred_language}, "preferred": True}]
    return validated(data)


_EPISODE_STATUS = {
    EpisodeStatus.REFERRED: "planned",
    EpisodeStatus.SCREENING: "planned",
    EpisodeStatus.ADMITTED: "active",
    EpisodeStatus.ACTIVE: "active",
    EpisodeStatus.DISCHARGED: "finished",
    EpisodeStatus.DECLINED: "cancelled",
    EpisodeStatus.TRANSFERRED_OUT: "finished",
}


def _stay_period(e: Episode) -> dict[str, str]:
    """A stay's dates: from the admission (the referral before one) to the discharge."""
    period = {"start": (e.admitted_on or e.referred_on).isoformat()}
    if e.discharged_on:
        period["end"] = e.discharged_on.isoformat()
    return period


def episode_of_care(e: Episode) -> dict[str, Any]:
    """A stay: referred and screening are planned, admitted and active are active, a stay
    left after admission is finished and a declined one cancelled; the period runs from the
    admission (the referral before one) to the discharge. Labelled Part 2: a stay in the
    program, its level of care among it, is substance-use treatment, as each of its sessions
    (Encounter) is."""
    data = {
        "resourceType": "EpisodeOfCare",
        "id": str(e.public_id),
        "status": _EPISODE_STATUS[EpisodeStatus(e.status)],
        "type": [{"text": e.get_level_of_care_display()}],
        "patient": _patient_ref(e.participant),
        "managingOrganization": {"display": e.program.name},
        "period": _stay_period(e),
    }
    return validated(labelled(data, True))


def care_team(e: Episode) -> dict[str, Any]:
    """A stay's care team (its id the stay's, as its EpisodeOfCare's): active while the stay
    is open, inactive once it has ended, over the stay's period. Every place on it, ended
    ones too, is a participant: the role in words, the staff member as their Practitioner
    (with their name) and the place's own dates. Labelled Part 2, as its EpisodeOfCare is: a
    team of this program treats substance use. Reads `program` and `care_team` (each place
    with its `user`): a list prefetches them."""
    places = [
        {
            "role": [{"text": str(CareTeamRole(m.role).label)}],
            "member": practitioner_ref(m.user),
            "period": {"start": m.started_on.isoformat()}
            | ({"end": m.ended_on.isoformat()} if m.ended_on else {}),
        }
        for m in e.care_team.all()
    ]
    data: dict[str, Any] = {
        "resourceType": "CareTeam",
        "id": str(e.public_id),
        "status": "active" if e.is_open else "inactive",
        "subject": _patient_ref(e.participant),
        "period": _stay_period(e),
        "managingOrganization": [{"display": e.program.name}],
    }
    if places:
        data["participant"] = places
    return validated(labelled(data, True))


def group(program: Program) -> dict[str, Any]:
    """A program as the Group its bulk export names: its people, by name of the program only
    (no member is listed; the export gives them)."""
    data = {
        "resourceType": "Group",
        "id": str(program.public_id),
        "type": "person",
        "actual": True,
        "name": program.name,
        "managingEntity": {"display": program.organization.name},
    }
    return validated(data)


_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
_CONDITION_STATUS = {
    DiagnosisStatus.PROVISIONAL: ("active", "provisional"),
    DiagnosisStatus.CONFIRMED: ("active", "confirmed"),
    DiagnosisStatus.IN_REMISSION: ("remission", "confirmed"),
    DiagnosisStatus.RESOLVED: ("resolved", "confirmed"),
}


def condition(d: Diagnosis) -> dict[str, Any]:
    """A diagnosis on the problem list, ICD-10-CM as recorded; F10–F19 labelled Part 2."""
    clinical, verification = _CONDITION_STATUS[DiagnosisStatus(d.status)]
    data = {
        "resourceType": "Condition",
        "id": str(d.public_id),
        "clinicalStatus": {"coding": [{"system": _CLINICAL, "code": clinical}]},
        "verificationStatus": {"coding": [{"system": _VERIFICATION, "code": verification}]},
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                        "code": "problem-list-item",
                    }
                ]
            }
        ],
        "code": {
            "coding": [{"system": ICD10CM, "code": d.code, "display": d.description}],
            "text": d.description,
        },
        "subject": _patient_ref(d.participant),
        "recordedDate": d.made_on.isoformat(),
    }
    return validated(labelled(data, is_substance_use_code(d.code)))


def observation(a: Administration) -> dict[str, Any]:
    """An instrument's result as a US Core screening assessment: the total as valueInteger
    under the instrument's declared LOINC total code, or its name as text when it declares
    none; the band as the interpretation's text (no band carries a code); subscales as
    components. An instrument with neither total nor band (BAM) says why no value is given."""
    try:
        definition = instrument(a.instrument)
    except UnknownInstrumentError:
        definition = None
    name = definition.name if definition else a.instrument
    code: dict[str, Any] = {"text": name}
    if definition and definition.loinc_total:
        code["coding"] = [{"system": LOINC, "code": definition.loinc_total}]
    data: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(a.public_id),
        "meta": {"profile": [SCREENING_ASSESSMENT]},
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey",
                    }
                ]
            }
        ],
        "code": code,
        "subject": _patient_ref(a.participant),
        "effectiveDateTime": a.completed_at.isoformat(),
        "issued": a.recorded_at.isoformat(),
    }
    band = definition.band_label(a.band) if definition and a.band else a.band
    if a.total is not None:
        data["valueInteger"] = a.total
    elif band:
        data["valueCodeableConcept"] = {"text": band}
    else:
        data["dataAbsentReason"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                    "code": "not-applicable",
                }
            ],
            "text": "This instrument has no total score; see its subscales.",
        }
    if band:
        data["interpretation"] = [{"text": band}]
    components = [
        {"code": {"text": str(key)}, "valueInteger": value}
        for key, value in sorted(a.subscales.items())
        if isinstance(value, int) and not isinstance(value, bool)
    ]
    if components:
        data["component"] = components
    return validated(labelled(data, a.instrument in SUBSTANCE_USE_INSTRUMENTS))


# The LOINC result codes clinical reference §10 gives for drug-screen analytes (its LOINC line,
# from the CDC opioid IG value sets and ARUP), by the seeded panels' analyte code
# (screens.detection) and whether the result is definitive (GC-MS or LC-MS/MS: the screen's
# method, or a confirmation) rather than an immunoassay's screen. §10 gives a screen code for
# buprenorphine + norbuprenorphine, methadone and oxycodone and a confirmation code for fentanyl
# + norfentanyl; its methylphenidate (19577-6) and gabapentin (59680-9) codes name analytes no
# panel here has. Every other analyte, and every pairing §10 does not name (a fentanyl screen, a
# confirmed methadone), is sent as text. §10 is about urine testing (its windows, cut-offs and
# validity are urine's), so only a urine specimen's results are coded.
SCREEN_LOINC: dict[tuple[str, bool], str] = {
    (BUP, False): "58359-1",  # buprenorphine + norbuprenorphine, screen
    (MTD, False): "19550-3",  # methadone, screen
    (OXY, False): "19642-8",  # oxycodone, screen
    (FYL, True): "66129-8",  # fentanyl + norfentanyl, confirmation
}


def screen_loinc(r: ScreenResult) -> str | None:
    """The LOINC code §10 gives for this result's analyte and method, if it gives one."""
    if r.screen.specimen != Specimen.URINE:
        return None
    definitive = r.screen.method == Method.LAB_DEFINITIVE or r.has_confirmation
    return SCREEN_LOINC.get((r.analyte.code, definitive))


def _specimen(screen: DrugScreen) -> dict[str, Any]:
    """A screen's specimen as the contained Specimen its result Observations and its report
    carry alike: its type, its collection, and its validity once checked."""
    specimen: dict[str, Any] = {
        "resourceType": "Specimen",
        "id": "specimen",
        "type": {"text": str(Specimen(screen.specimen).label)},
        "collection": {"collectedDateTime": screen.collected_at.isoformat()},
    }
    if screen.validity != Validity.NOT_CHECKED:
        specimen["condition"] = [{"text": str(Validity(screen.validity).label)}]
    return specimen


def _screen_status(results: list[ScreenResult]) -> str:
    """Preliminary while any of the results is a positive immunoassay not yet confirmed
    (presumptive, clinical reference §10) or was sent for confirmation; final otherwise."""
    waiting = any(r.presumptive or r.sent_for_confirmation for r in results)
    return "preliminary" if waiting else "final"


def screen_observation(r: ScreenResult) -> dict[str, Any]:
    """One analyte's result of a drug screen as a laboratory Observation, labelled Part 2
    (drug screens are 42 CFR Part 2 records).

    The value is the result as it stands (a confirmation replaces the immunoassay's, as the
    tab and the JSON API read it), with the method that gave it; the code is the analyte's
    LOINC where clinical reference §10 gives one (`SCREEN_LOINC`), and only then is the US
    Core Laboratory Result profile claimed, since its code binding asks for LOINC; otherwise
    the analyte is named in text. A positive immunoassay not yet confirmed, or a result sent
    for confirmation, is preliminary. The specimen (its type and, when checked, its validity)
    is contained; it is collected when the Observation is effective."""
    screen = r.screen
    code: dict[str, Any] = {"text": r.analyte.name}
    loinc = screen_loinc(r)
    if loinc:
        code["coding"] = [{"system": LOINC, "code": loinc}]
    method = Method.LAB_DEFINITIVE if r.has_confirmation else Method(screen.method)
    data: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(r.public_id),
        "contained": [_specimen(screen)],
        "status": _screen_status([r]),
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "laboratory",
                    }
                ]
            }
        ],
        "code": code,
        "subject": _patient_ref(screen.participant),
        "effectiveDateTime": screen.collected_at.isoformat(),
        "issued": (r.confirmed_at or screen.recorded_at).isoformat(),
        "valueCodeableConcept": {"text": str(Result(r.standing_result).label)},
        "method": {"text": str(method.label)},
        "specimen": {"reference": "#specimen"},
    }
    if loinc:
        data["meta"] = {"profile": [LABORATORY_RESULT]}
    if r.flag:
        data["interpretation"] = [{"text": str(Flag(r.flag).label)}]
    if r.flag_reason:
        data["note"] = [{"text": r.flag_reason}]
    if r.sent_for_confirmation:
        data["note"] = [*data.get("note", []), {"text": str(Confirmation.SENT.label)}]
    return validated(labelled(data, True))


def screen_report(screen: DrugScreen) -> dict[str, Any]:
    """A drug screen as the laboratory DiagnosticReport that groups its results (one
    Observation per analyte, by the ids `screen_observation` gives them), labelled Part 2.

    Its status is its results' (preliminary while any is, final otherwise), so the panel
    never reads final before each of its results does; it is issued when recorded or, later,
    when its last confirmation came. The panel is named in text only: clinical reference
    §10 gives no panel code, so no US Core profile is claimed (its laboratory report binds
    the code to LOINC). The specimen is contained as on the results. No performer is sent:
    the screen records who collected the specimen, not who read it. Reads `results` (with
    each one's analyte) and `panel`: a list prefetches them."""
    results = list(screen.results.all())
    confirmed = [r.confirmed_at for r in results if r.confirmed_at is not None]
    data: dict[str, Any] = {
        "resourceType": "DiagnosticReport",
        "id": str(screen.public_id),
        "contained": [_specimen(screen)],
        "status": _screen_status(results),
        "category": [{"coding": [{"system": V2_0074, "code": "LAB", "display": "Laboratory"}]}],
        "code": {"text": screen.panel.name},
        "subject": _patient_ref(screen.participant),
        "effectiveDateTime": screen.collected_at.isoformat(),
        "issued": max([screen.recorded_at, *confirmed]).isoformat(),
        "specimen": [{"reference": "#specimen"}],
        "result": [{"reference": f"Observation/{r.public_id}"} for r in results],
    }
    return validated(labelled(data, True))


# A stay that has ended: its plan in force is done with, not active.
_ENDED = frozenset(
    {EpisodeStatus.DISCHARGED, EpisodeStatus.DECLINED, EpisodeStatus.TRANSFERRED_OUT}
)


def _plan_status(plan: TreatmentPlan, newest: int) -> str:
    """A signed version's CarePlan status: revoked once a newer signed version of its stay
    supersedes it (`newest` is that stay's newest signed version in force); the version in
    force is active, or completed once its stay has ended."""
    if plan.number < newest:
        return "revoked"
    return "completed" if plan.episode.status in _ENDED else "active"


def _addresses(diagnoses: Iterable[Diagnosis]) -> list[dict[str, str]]:
    """References to the Conditions these diagnoses are served as, each once, in the order
    given. The diagnoses are those the Condition read serves (none entered in error): the
    rows a list prefetches them with (`fhirapi.views._diagnoses`)."""
    ids = dict.fromkeys(str(d.public_id) for d in diagnoses)
    return [{"reference": f"Condition/{i}"} for i in ids]


def care_plan(plan: TreatmentPlan, newest: int) -> dict[str, Any]:
    """A signed version of a treatment plan, with its goals as Goal references and the
    diagnoses its problems name as the Conditions it `addresses`; a revision `replaces` the
    version it revises. Labelled Part 2: the plan is one integrated plan for both disorders,
    so none of it can be told apart from the substance-use treatment it holds. Reads
    `goals`, `problems` (with their served `diagnoses`) and `revises`: a list prefetches
    them."""
    data: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": str(plan.public_id),
        "status": _plan_status(plan, newest),
        "intent": "plan",
        "title": f"Treatment plan, version {plan.number}",
        "subject": _patient_ref(plan.participant),
        "created": plan.recorded_at.isoformat(),
        "goal": [{"reference": f"Goal/{g.public_id}"} for g in plan.goals.all()],
    }
    addresses = _addresses(d for p in plan.problems.all() for d in p.diagnoses.all())
    if addresses:
        data["addresses"] = addresses
    if plan.signed_at is not None:
        data["period"] = {"start": plan.signed_at.isoformat()}
    revised = plan.revises
    if revised is not None and revised.is_signed and not revised.entered_in_error:
        data["replaces"] = [{"reference": f"CarePlan/{revised.public_id}"}]
    if plan.change_summary:
        data["description"] = plan.change_summary
    return validated(labelled(data, True))


_GOAL_STATUS = {"active": "active", "completed": "completed", "revoked": "cancelled"}
# FHIR's Quantity comparators for an objective's target; "=" is a plain value.
_QUANTITY_COMPARATOR = {
    Comparator.LT: "<",
    Comparator.LE: "<=",
    Comparator.GT: ">",
    Comparator.GE: ">=",
}


def goal(g: Goal, newest: int) -> dict[str, Any]:
    """A goal of a signed plan version in the participant's own words (expressed by them),
    its objectives as targets: each one's target date, and for one bound to a measure the
    measure named in text and the value to reach. Its lifecycle follows its version's plan
    (a superseded version's goal is cancelled: the revision carries it on). It `addresses` the
    Conditions of the diagnoses its problem names. Labelled Part 2 as its plan is. Reads
    `plan` (with its stay), `problem` (with its served `diagnoses`) and `objectives`: a list
    prefetches them."""
    objectives = list(g.objectives.all())
    targets: list[dict[str, Any]] = []
    for o in objectives:
        target: dict[str, Any] = {"dueDate": o.target_date.isoformat()}
        if o.measure_key and o.target_value is not None:
            quantity: dict[str, Any] = {"value": o.target_value}
            comparator = _QUANTITY_COMPARATOR.get(Comparator(o.comparator))
            if comparator:
                quantity["comparator"] = comparator
            target |= {"measure": {"text": o.measure_label}, "detailQuantity": quantity}
        targets.append(target)
    data: dict[str, Any] = {
        "resourceType": "Goal",
        "id": str(g.public_id),
        "lifecycleStatus": _GOAL_STATUS[_plan_status(g.plan, newest)],
        "description": {"text": g.text},
        "subject": _patient_ref(g.plan.participant),
        "expressedBy": _patient_ref(g.plan.participant),
    }
    addresses = _addresses(g.problem.diagnoses.all())
    if addresses:
        data["addresses"] = addresses
    if targets:
        data["target"] = targets
        data["note"] = [{"text": o.text} for o in objectives]
    return validated(labelled(data, True))


def medication_statement(m: Medication, today: date) -> dict[str, Any]:
    """A medication on the list, by name as written (the list holds no RxNorm codes);
    substance-use treatment medications (`Medication.is_part2`) labelled Part 2."""
    if m.started_on > today:
        status = "intended"
    elif m.stopped_on is not None and m.stopped_on < today:
        status = "stopped"
    else:
        status = "active"
    period = {"start": m.started_on.isoformat()}
    if m.stopped_on:
        period["end"] = m.stopped_on.isoformat()
    data: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": str(m.public_id),
        "status": status,
        "medicationCodeableConcept": {"text": m.name},
        "subject": _patient_ref(m.participant),
        "effectivePeriod": period,
        "dateAsserted": m.recorded_at.isoformat(),
    }
    if m.dose:
        data["dosage"] = [{"text": m.dose}]
    if m.stop_reason:
        data["statusReason"] = [{"text": m.stop_reason}]
    return validated(labelled(data, m.is_part2))


_CONSENT_STATUS = {
    ConsentStatus.NOT_YET: "proposed",
    ConsentStatus.IN_FORCE: "active",
    ConsentStatus.EXPIRED: "inactive",
    ConsentStatus.REVOKED: "inactive",
}
_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
_RECIPIENT = {
    "coding": [
        {"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "IRCP"}
    ]
}


def _payer(named: NamedRecipient) -> dict[str, Any]:
    """A payer a consent names, as the Organization its provision contains: its name, and its
    id in Tandem (the one the consents API's `named` gives) as a URI, so a receiver tells the
    same payer apart across consents. Contained, as a screen's specimen is: Tandem serves no
    Organization."""
    return {
        "resourceType": "Organization",
        "id": f"payer-{named.id}",
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{named.id}"}],
        "name": named.name,
    }


def consent(c: Consent, today: date, payers: Sequence[NamedRecipient]) -> dict[str, Any]:
    """A consent, active while in force and inactive once revoked or expired (its status on
    the program's `today`). A Part 2 disclosure consent is a release of information (LOINC
    64292-6) of scope patient-privacy under the policy 42CFRPart2, naming its recipients as
    written, and is labelled Part 2 (it shows the person is in substance-use treatment); a
    consent to treatment or telehealth is a patient consent (LOINC 59284-0) of scope
    treatment.

    The `payers` a Part 2 consent names, picked from the organization's list
    (`billing.selectors.payers_named`), are recipients too: each one another actor of the
    provision in the information-recipient role (IRCP), referring to the payer as a contained
    Organization, beside the words, which stay the legal wording.

    The parts of the record a Part 2 consent covers, when it lists them, are the provision's
    codes, each by its title as text: the permit is for those parts alone. No code system
    names a record's sections and Tandem makes none up, so there is no coding. One recorded
    before parts were ticked says nothing of parts (its words alone say)."""
    part2 = c.holds_part2_elements
    period = {"start": c.signed_on.isoformat()}
    if c.ends_on:
        period["end"] = c.ends_on.isoformat()
    provision: dict[str, Any] = {"type": "permit", "period": period}
    named = [_payer(p) for p in payers] if part2 else []
    if part2:
        provision["actor"] = [
            {"role": _RECIPIENT, "reference": {"display": c.recipients}},
            *(
                {
                    "role": _RECIPIENT,
                    "reference": {"reference": f"#{o['id']}", "display": o["name"]},
                }
                for o in named
            ),
        ]
    if c.lists_parts:
        provision["code"] = [{"text": title} for title in c.part_titles]
    category = ("64292-6", "Release of information consent") if part2 else ("59284-0", "")
    data: dict[str, Any] = {
        "resourceType": "Consent",
        "id": str(c.public_id),
        "status": _CONSENT_STATUS[ConsentStatus(c.status_on(today))],
        "scope": {
            "coding": [{"system": _SCOPE, "code": "patient-privacy" if part2 else "treatment"}]
        },
        "category": [
            {
                "coding": [{"system": LOINC, "code": category[0]}],
                "text": category[1] or "Patient consent",
            }
        ],
        "patient": _patient_ref(c.participant),
        "dateTime": c.signed_on.isoformat(),
        "policyRule": (
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                        "code": "42CFRPart2",
                    }
                ],
                "text": str(ConsentKind(c.kind).label),
            }
            if part2
            else {"text": str(ConsentKind(c.kind).label)}
        ),
        "provision": provision,
    }
    if named:
        data["contained"] = named
    return validated(labelled(data, part2))


def coverage(c: Coverage) -> dict[str, Any]:
    """A participant's coverage by a payer (clinical reference §6: Billing → Coverage):
    active, or entered-in-error once withdrawn (the Billing tab keeps it, struck out); the
    payer by name (Tandem serves no Organization), the member id as `subscriberId`, the
    period from its start to its end (open while it lasts). Not labelled Part 2: it says
    who pays, as the Patient says who the person is, not what they are treated for."""
    period = {"start": c.starts_on.isoformat()}
    if c.ends_on:
        period["end"] = c.ends_on.isoformat()
    data = {
        "resourceType": "Coverage",
        "id": str(c.public_id),
        "status": "entered-in-error" if c.entered_in_error else "active",
        "subscriberId": c.member_id,
        "beneficiary": _patient_ref(c.participant),
        "period": period,
        "payor": [{"display": c.payer.name}],
    }
    return validated(data)


# The day this statement last changed (a fixed date: the statement does not follow the clock).
CAPABILITY_DATE = "2026-12-07"
_SEARCHES: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    ("EpisodeOfCare", ()),
    ("Condition", ()),
    (
        "Observation",
        (
            (
                "code",
                "token",
                "A LOINC code: an instrument's total or a drug-screen result's.",
            ),
        ),
    ),
    ("DiagnosticReport", ()),
    ("CarePlan", ()),
    ("Goal", ()),
    ("CareTeam", ()),
    ("MedicationStatement", ()),
    ("Consent", ()),
    (
        "Encounter",
        (
            (
                "date",
                "date",
                "A day (YYYY-MM-DD, in the program's time zone) with an optional prefix, eq, ne,"
                " gt, lt, ge, le, sa or eb, against the session's period; repeat it for a range.",
            ),
        ),
    ),
    ("Coverage", ()),
)
GROUP_EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export"
_PATIENT_PARAMETER = (
    "patient",
    "reference",
    "The patient's id (required); no other way to choose a patient is offered.",
)


# Practitioner's search parameters: staff data, searched without a patient.
_PRACTITIONER_SEARCH: tuple[tuple[str, str, str], ...] = (
    ("_id", "token", "One or more ids, comma-separated."),
    (
        "name",
        "string",
        "The start of the name Tandem shows, or of any word of it, or of the first or last"
        " name; any case.",
    ),
    ("active", "token", "true: working for the organization now; false: no longer."),
)


def capability_statement() -> dict[str, Any]:
    """What the server answers: Patient read, each other participant's resource read by its id
    and searched by patient (a search's fullUrl is that resource's read), and the staff as
    Practitioners, read by id and searched by their own parameters."""
    resources: list[dict[str, Any]] = [
        {"type": "Patient", "interaction": [{"code": "read"}]},
        {
            "type": "Practitioner",
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [
                {"name": name, "type": kind_of, "documentation": words}
                for name, kind_of, words in _PRACTITIONER_SEARCH
            ],
        },
        {
            "type": "Group",
            "interaction": [{"code": "read"}],
            "operation": [{"name": "export", "definition": GROUP_EXPORT}],
        },
        *(
            {
                "type": kind,
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "searchParam": [
                    {"name": name, "type": kind_of, "documentation": words}
                    for name, kind_of, words in (_PATIENT_PARAMETER, *more)
                ],
            }
            for kind, more in _SEARCHES
        ),
    ]
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": CAPABILITY_DATE,
        "publisher": "Tandem",
        "kind": "instance",
        "software": {"name": "Tandem"},
        "implementation": {"description": "Tandem's read-only FHIR R4 API"},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Read-only. Sign in as staff first (the session of the JSON API at "
                    "/api/v1/); every read goes through the access policy and is audited. "
                    "An unknown or refused patient or resource is a 404. Each search entry's "
                    "fullUrl is that resource's read. Resources carrying 42 CFR Part 2 "
                    "information are labelled in meta.security (R, ETH, 42CFRPart2). A program "
                    "is a Group; its director exports its participants with "
                    "Group/{id}/$export (Bulk Data, Prefer: respond-async). Staff are "
                    "Practitioners, which a CareTeam and an Encounter refer to; the export "
                    "leaves them out (they are no patient's data): read each by its id."
                ),
                "resource": resources,
            }
        ],
    }
