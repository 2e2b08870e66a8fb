"""Forms of the audits, by topic."""

from audits.forms.certificate_deadlines import SurveillanceExtensionForm
from audits.forms.certificates import CertificateStatusForm, SurveillanceForm, VerifyFileForm, VerifySearchForm
from audits.forms.decisions import DecisionForm, ReviewForm
from audits.forms.findings import FindingAnswerForm, FindingForm, FindingVerifyForm
from audits.forms.rounds import InterviewForm, PhotoForm, RoundDoneForm, RoundResponseForm, RoundScheduleForm
from audits.forms.scoring import IndicatorScoreForm, RecommendationForm, SpecialItemForm

__all__ = [
    "CertificateStatusForm",
    "DecisionForm",
    "FindingAnswerForm",
    "FindingForm",
    "FindingVerifyForm",
    "IndicatorScoreForm",
    "InterviewForm",
    "PhotoForm",
    "RecommendationForm",
    "ReviewForm",
    "RoundDoneForm",
    "RoundResponseForm",
    "RoundScheduleForm",
    "SpecialItemForm",
    "SurveillanceExtensionForm",
    "SurveillanceForm",
    "VerifyFileForm",
    "VerifySearchForm",
]
