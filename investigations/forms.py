from __future__ import annotations

from django import forms

from accounts.models import DepartmentDevice

from .models import EngagementLevel, PlannedActivity, ReviewKind, UseBasis, ValidationMethod


class AliasRequestForm(forms.Form):
    platform = forms.CharField(max_length=60)
    alias_handle = forms.CharField(max_length=150, label="Alias handle")
    alias_identity = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Alias identity"
    )
    engagement_level = forms.ChoiceField(
        choices=EngagementLevel.choices,
        help_text="BPD Inv. uses 3: covert use needs authorization and training.",
    )
    case_number = forms.CharField(max_length=40, label="Case / incident number")
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Articulated investigative purpose"
    )
    target_description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Target description")
    target_handles = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Target handles (one per line, for deconfliction)",
    )
    planned_activities = forms.MultipleChoiceField(
        choices=PlannedActivity.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    first_amendment_attestation = forms.BooleanField(
        required=False,
        label="I attest this is not based solely on political, religious or other First-Amendment "
        "activity (CPD IV.D.1)",
    )
    on_duty = forms.BooleanField(
        required=False, label="I am on duty (off-duty members may not create undercover accounts)"
    )


class UseForm(forms.Form):
    occurred_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    on_duty = forms.BooleanField(required=False, label="I was on duty (CPD IV.C.2)")
    device = forms.ModelChoiceField(
        queryset=DepartmentDevice.objects.filter(is_active=True, approved_for_investigations=True),
        label="Department-approved device (CPD IV.C.1)",
    )
    basis = forms.ChoiceField(
        choices=UseBasis.choices, label="Basis for any non-public material (CPD IV.C.4)"
    )
    basis_reference = forms.CharField(required=False, max_length=120, label="Warrant number / exigency note")
    activity = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="What was done")
    leads_forwarded_to = forms.CharField(required=False, max_length=200, label="Leads forwarded to (unit)")
    report_number = forms.CharField(max_length=60, label="Documented in report (CPD IV.C.7)")


class DecisionForm(forms.Form):
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RenewForm(forms.Form):
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    on_duty = forms.BooleanField(required=False, label="I am on duty")


# --- background and internal investigation reviews (E1) ----------------------------------------------

CREDENTIAL_NOTICE = (
    "This portal never asks for a social media password or login (820 ILCS 55/10). "
    "Review only public-domain content (HPPD IV.A, V.A)."
)


class BackgroundReviewOpenForm(forms.Form):
    """Shapes only: the service checks the rules and screens everything sent for credentials (E1)."""

    kind = forms.ChoiceField(choices=ReviewKind.choices, widget=forms.RadioSelect, label="Kind of review")
    subject_member = forms.CharField(
        required=False,
        max_length=150,
        label="Member under internal investigation",
        help_text="Their portal username. Internal investigations only (HPPD IV).",
    )
    candidate_name = forms.CharField(
        required=False,
        max_length=200,
        label="Job candidate's name",
        help_text="Background investigations only (HPPD V).",
    )
    case_number = forms.CharField(max_length=40, label="Case / file number")


class ReviewEntryForm(forms.Form):
    url = forms.CharField(
        max_length=500, widget=forms.URLInput, label="Public address (URL) of what was viewed"
    )
    platform = forms.CharField(max_length=60)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="What it showed")
    viewed_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="Viewed at"
    )
    validation_method = forms.ChoiceField(
        choices=ValidationMethod.choices, label="How it was validated (HPPD V.B)"
    )
    validation_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Validation: what was checked, or what was tried (HPPD V.B)",
    )
    public_domain = forms.BooleanField(
        required=False,
        label="I viewed this as any member of the public could — without a password, login, friend request "
        "or anyone else's account (HPPD IV.A, V.A)",
    )


class ReviewCloseForm(forms.Form):
    conclusion = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Conclusion")
