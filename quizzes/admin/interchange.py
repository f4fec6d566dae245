"""Question import and export in the admin: the "Import questions" page (upload, preview the
report, confirm) and the export actions on questions and quizzes. Both call the services in
`quizzes.services.interchange`, as the commands and the API do."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from quizzes.interchange import READ_FORMATS, WRITE_FORMATS, FormatError, WriteError
from quizzes.interchange.source import MAX_BYTES
from quizzes.selectors import questions_to_export
from quizzes.services.authoring import QuestionInvalid
from quizzes.services.interchange import (
    CONTENT_TYPES,
    export_filename,
    export_questions,
    import_questions,
)

SESSION_KEY = "question_import"  # the uploaded file between the preview and the confirmation
FORMAT_CHOICES = [("", "Guess from the file"), *((f, f) for f in READ_FORMATS)]


class ImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        help_text=f"GIFT, Moodle XML or Aiken, UTF-8, at most {MAX_BYTES // 1_000_000} MB.",
    )
    format = forms.ChoiceField(choices=FORMAT_CHOICES, required=False)
    tag = forms.CharField(
        max_length=60,
        required=False,
        help_text="Every imported question gets this tag. Questions are known by their name "
        "within it: importing the file again updates them instead of adding them twice.",
    )
    skip_unsupported = forms.BooleanField(
        required=False,
        label="Import the rest when some questions cannot be imported",
        help_text="Without it, one essay or calculated question (for instance) imports nothing.",
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB."
            )
        return upload


def import_view(model_admin, request):
    """Upload → a dry run's report → "Import" writes exactly what the report said.

    The uploaded text waits in the session between the two steps (a hidden field would be
    refused above `DATA_UPLOAD_MAX_MEMORY_SIZE`). Changing an option after the preview previews
    again, so nothing is written that the teacher has not seen.
    """
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    opts = model_admin.model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    report = None
    pending = request.session.get(SESSION_KEY) or {}
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        options = {k: form.cleaned_data[k] for k in ("format", "tag", "skip_unsupported")}
        upload = form.cleaned_data["file"]
        data: str | bytes = ""
        if upload is not None:
            data = upload.read()
            pending = {
                "token": secrets.token_urlsafe(16),
                "name": upload.name or "",
                "text": data.decode("utf-8", "replace"),  # an undecodable file fails below
            }
        elif pending and pending.get("token") == form.cleaned_data["token"]:
            data = pending["text"]
        else:
            form.add_error("file", "Choose the file to import.")
        confirm = "confirm" in request.POST and upload is None and pending.get("options") == options
        if not form.errors:
            try:
                report = import_questions(
                    data=data,
                    format=options["format"] or None,
                    filename=pending["name"],
                    tag=options["tag"],
                    dry_run=not confirm,
                    skip_unsupported=options["skip_unsupported"],
                    owner=request.user,
                )
            except FormatError as error:
                for problem in error.problems:
                    form.add_error("file", f"{pending['name']}, {problem}")
            except QuestionInvalid as error:
                for texts in error.field_messages.values():
                    form.add_error("tag", " ".join(texts))
        if report is None:
            request.session.pop(SESSION_KEY, None)
        elif report.written:
            request.session.pop(SESSION_KEY, None)
            model_admin.message_user(request, report.summary(), messages.SUCCESS)
            for note in report.notes[:20]:
                model_admin.message_user(request, note, messages.INFO)
            return HttpResponseRedirect(changelist)
        else:
            request.session[SESSION_KEY] = {**pending, "options": options}
            form = ImportForm(initial={**options, "token": pending["token"]})
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "title": "Import questions",
        "form": form,
        "report": report,
        "file_name": pending.get("name") if report is not None else None,
        "changelist_url": changelist,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/quizzes/question/import.html", context)


def export_response(questions, *, format: str, stem: str, notes=None) -> HttpResponse:
    text = export_questions(questions=questions, format=format, notes=notes)
    response = HttpResponse(text, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{export_filename(stem, format)}"'
    return response


def export_action(format: str, *, of_quizzes: bool = False):
    """An admin action that downloads the selected questions (or the selected quizzes'
    questions, quiz by quiz in their order) as `format`."""
    label = {"gift": "GIFT", "moodle-xml": "Moodle XML"}[format]
    assert format in WRITE_FORMATS

    def action(model_admin, request, queryset):
        if of_quizzes:
            seen: dict[int, object] = {}
            for quiz in queryset.order_by("title", "pk"):
                for question in questions_to_export(quiz=quiz):
                    seen.setdefault(question.pk, question)
            questions = list(seen.values())
            stem = queryset.first().slug if queryset.count() == 1 else "quizzes"
        else:
            questions = questions_to_export().filter(pk__in=queryset.values("pk"))
            stem = "questions"
        notes: list[str] = []
        try:
            response = export_response(questions, format=format, stem=stem, notes=notes)
        except WriteError as error:
            model_admin.message_user(request, f"Nothing exported: {error}", messages.ERROR)
            return None
        for note in notes:  # shown on the next page the teacher opens
            model_admin.message_user(request, note, messages.WARNING)
        return response

    what = "the selected quizzes' questions" if of_quizzes else "the selected questions"
    action.__name__ = f"export_{format.replace('-', '_')}"
    action.short_description = f"Export {what} as {label}"  # type: ignore[attr-defined]
    action.allowed_permissions = ("view",)  # type: ignore[attr-defined]
    return action
