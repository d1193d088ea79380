"""Every model of the app, imported in one place for metadata and migrations."""

from registry.assets.models import Asset  # noqa: F401
from registry.assets.models import Pipeline  # noqa: F401
from registry.assets.models import Tank  # noqa: F401
from registry.audit import services as _audit_services  # noqa: F401
from registry.audit.models import AuditEvent  # noqa: F401
from registry.auth.models import ApiToken  # noqa: F401
from registry.auth.models import PasswordReset  # noqa: F401
from registry.auth.models import User  # noqa: F401
from registry.certificates.models import Certificate  # noqa: F401
from registry.certificates.models import CertificateCounter  # noqa: F401
from registry.certificates.models import CertificatePdf  # noqa: F401
from registry.compliance.models import ActivityRecord  # noqa: F401
from registry.compliance.models import CalendarToken  # noqa: F401
from registry.compliance.models import DigestLog  # noqa: F401
from registry.enforcement.models import RedTag  # noqa: F401
from registry.filings.models import Filing  # noqa: F401
from registry.filings.models import FilingSnapshot  # noqa: F401
from registry.inspections.models import CorrectiveAction  # noqa: F401
from registry.inspections.models import Finding  # noqa: F401
from registry.inspections.models import Inspection  # noqa: F401
from registry.inspections.models import Photo  # noqa: F401
from registry.maps import states as _map_states  # noqa: F401
from registry.maps.models import FacilityState  # noqa: F401
from registry.monitoring.models import AlertAcknowledgement  # noqa: F401
from registry.monitoring.models import MonitoringPoint  # noqa: F401
from registry.monitoring.models import MonitoringReading  # noqa: F401
from registry.people.models import DesignatedOperator  # noqa: F401
from registry.people.models import FinancialAssurance  # noqa: F401
from registry.receptors.models import Receptor  # noqa: F401
from registry.receptors.models import ReceptorDistance  # noqa: F401
from registry.releases.models import Release  # noqa: F401
from registry.releases.models import ReleaseCounter  # noqa: F401
from registry.releases.models import ReleaseEvidence  # noqa: F401
from registry.releases.models import ReleaseStep  # noqa: F401
from registry.sites.models import Facility  # noqa: F401
from registry.sites.models import Organization  # noqa: F401
from registry.visits.models import ComplianceInspection  # noqa: F401
from registry.visits.models import InspectionPlan  # noqa: F401
from registry.visits.models import Violation  # noqa: F401

_audit_services.register(Organization, "organization")
_audit_services.register(Facility, "facility")
_audit_services.register(Asset, "asset")
_audit_services.register(Inspection, "inspection")
_audit_services.register(Finding, "finding")
_audit_services.register(CorrectiveAction, "corrective_action")
_audit_services.register(Photo, "photo")
_audit_services.register(Certificate, "certificate")
_audit_services.register(ActivityRecord, "activity_record")
_audit_services.register(CalendarToken, "calendar_token")
_audit_services.register(Filing, "filing")
_audit_services.register(RedTag, "red_tag")
_audit_services.register(MonitoringPoint, "monitoring_point")
_audit_services.register(MonitoringReading, "monitoring_reading")
_audit_services.register(Release, "release")
_audit_services.register(ReleaseStep, "release_step")
_audit_services.register(ReleaseEvidence, "release_evidence")
_audit_services.register(AlertAcknowledgement, "monitoring_alert_ack")
_audit_services.register(ComplianceInspection, "compliance_inspection")
_audit_services.register(Violation, "violation")
_audit_services.register(InspectionPlan, "inspection_plan")
_audit_services.register(Receptor, "receptor")
_audit_services.register(DesignatedOperator, "designated_operator")
_audit_services.register(FinancialAssurance, "financial_assurance")
