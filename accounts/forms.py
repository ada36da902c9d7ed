from __future__ import annotations

from typing import Any

from django import forms

from .models import DepartmentDevice, Member, Platform, Unit


class AccountRegisterForm(forms.Form):
    platform = forms.ChoiceField(choices=Platform.choices)
    handle = forms.CharField(
        max_length=100, help_text="The account name on the platform, e.g. @BloomingtonPD."
    )
    url = forms.URLField(label="Page URL", assume_scheme="https")
    purpose_statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Introductory statement of the purpose and scope of the page "
        "(BPD Platform 1.a, HPPD I.B.6).",
    )
    contact_info = forms.CharField(
        max_length=300, help_text="Department contact information shown on the page."
    )
    official_website_url = forms.URLField(label="Official website", assume_scheme="https")
    administrators = forms.ModelMultipleChoiceField(
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Designated administrators (A2). They need a department e-mail address (HPPD I.D.5). "
        "Leave empty to designate yourself.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["administrators"].queryset = (
            Member.objects.active().filter(groups__name="PIO staff").distinct()
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ChecklistItemForm(forms.Form):
    code = forms.SlugField(max_length=60)
    done = forms.BooleanField(required=False)
    evidence = forms.CharField(max_length=500, required=False)


class MemberChoiceForm(forms.Form):
    member = forms.ModelChoiceField(queryset=Member.objects.active())


class DirectiveIssueForm(forms.Form):
    version = forms.CharField(
        max_length=60, help_text="As the department numbers it, e.g. “126A rev. 2026-11”."
    )
    title = forms.CharField(
        max_length=300, required=False, help_text="Leave empty to keep the current title."
    )
    effective_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="What changed, in plain words."
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}), help_text="The full text of the new version."
    )


class AccessRequestForm(forms.Form):
    """A5: the kinds come from the policy profile; the unit field is for supervisors (job assignment)."""

    kind = forms.ChoiceField(label="Authorization for")
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.all(),
        required=False,
        label="Job assignment (whole unit)",
        help_text="Supervisors only: leave empty to ask for yourself.",
    )
    device = forms.ModelChoiceField(
        queryset=DepartmentDevice.objects.filter(is_active=True), required=False, label="Department device"
    )
    personal_device = forms.CharField(
        max_length=200, required=False, label="Personally owned device", help_text="Make and model, if any."
    )
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="What you need it for.")
    valid_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    expires_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, kinds: list[dict[str, Any]], allow_unit: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k["code"], f"{k['label']} ({k['clause']})") for k in kinds]
        if not allow_unit:
            del self.fields["unit"]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("grant", "Grant"), ("refuse", "Refuse")], widget=forms.RadioSelect)
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    expires_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), required=False, help_text="Optional: when it lapses."
    )
