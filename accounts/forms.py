from __future__ import annotations

from typing import Any

from django import forms

from .models import Member, Platform


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
