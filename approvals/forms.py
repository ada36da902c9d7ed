from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import Member, PolicyProfile, SocialAccount

from .models import Disposition, MediaLicence, ModerationAction, PostCategory


class PostForm(forms.Form):
    account = forms.ModelChoiceField(queryset=SocialAccount.objects.none())
    category = forms.ChoiceField(
        choices=PostCategory.choices, help_text="Time-sensitive notifications get a deadline of minutes (B2)."
    )
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 7}), max_length=5000)
    scheduled_for = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Optional: when it should go out.",
    )
    likely_media_inquiry = forms.BooleanField(
        required=False, label="Likely to draw media inquiries (CPD IV.C.6)"
    )

    def __init__(self, *args: Any, accounts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts if accounts is not None else SocialAccount.objects.none()


class MediaForm(forms.Form):
    file = forms.FileField(help_text="JPEG, PNG or GIF, up to 20 MB.")
    source = forms.CharField(max_length=300, required=False, help_text="Who made it, where it came from.")
    licence = forms.ChoiceField(choices=MediaLicence.choices, required=False)
    licence_detail = forms.CharField(max_length=300, required=False, label="Licence / permission details")


class DecisionForm(forms.Form):
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    acknowledged_warnings = forms.MultipleChoiceField(required=False, choices=())
    version = forms.IntegerField(required=False)


class PublishForm(forms.Form):
    platform_url = forms.URLField(required=False, assume_scheme="https", label="Published post URL")
    platform_post_id = forms.CharField(required=False, max_length=200, label="Platform post id")


class CommentForm(forms.Form):
    account = forms.ModelChoiceField(queryset=SocialAccount.objects.none())
    platform_comment_id = forms.CharField(max_length=200, label="Platform comment id")
    author_handle = forms.CharField(max_length=200)
    original_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Original text (preserved)"
    )
    commented_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    action = forms.ChoiceField(choices=ModerationAction.choices)
    ground = forms.ChoiceField(choices=(), label="Removal ground")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, accounts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts if accounts is not None else SocialAccount.objects.none()
        grounds = PolicyProfile.objects.current().comment_removal_grounds
        self.fields["ground"].choices = [(g["code"], g["label"]) for g in grounds]


class PermissionRequestForm(forms.Form):
    """B7: the kinds and who decides them come from the policy profile."""

    kind = forms.ChoiceField(label="Permission for")
    subject_member = forms.ModelChoiceField(
        queryset=Member.objects.none(),
        required=False,
        label="Member concerned",
        help_text="Only for a reference to another member's employment: that member gives consent.",
    )
    where = forms.CharField(max_length=200, required=False, help_text="Platform and your handle there.")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="What you will post, and why."
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = PolicyProfile.objects.current().written_permission_kinds
        self.fields["kind"].choices = [(k["code"], f"{k['label']} ({k['clause']})") for k in kinds]
        if any(k["approver"] == "consent" for k in kinds):
            self.fields["subject_member"].queryset = Member.objects.directory_for(user).exclude(pk=user.pk)
        else:
            del self.fields["subject_member"]


class ViolationReportForm(forms.Form):
    """B8: a link, a capture or both, and what the posting shows."""

    posting_url = forms.URLField(
        required=False, max_length=500, label="Link to the posting", assume_scheme="https"
    )
    capture = forms.FileField(required=False, label="Capture (screenshot or PDF)")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="What it shows and which rule it may break."
    )
    observed_at = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="Seen at"
    )
    subject_member = forms.ModelChoiceField(
        queryset=Member.objects.none(), required=False, label="Member who posted it (if known)"
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject_member"].queryset = Member.objects.directory_for(user).exclude(pk=user.pk)


class ReportCloseForm(forms.Form):
    disposition = forms.ChoiceField(choices=Disposition.choices)
    disposition_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="What was found and done"
    )
