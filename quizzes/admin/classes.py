"""Classes in the admin: a teacher's classes with their students and assigned quizzes, the join
code (and its reset), a roster import, and the overrides (accommodations) on quizzes.

A teacher sees and changes only the classes they teach (a superuser: all), and the overrides for
those classes and their students. Writes go through `quizzes.services.classes`.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from quizzes.admin.gradebook import GradebookViews
from quizzes.admin.ownership import OwnedInline
from quizzes.models import Classroom, Enrolment, QuizAssignment, QuizOverride
from quizzes.services.classes import (
    OVERRIDE_FIELDS,
    classroom_reset_code,
    override_set,
    roster_import,
)


def students_taught_by(user):
    """The users enrolled in a class `user` teaches (a superuser: everyone)."""
    users = get_user_model().objects.all()
    if user.is_superuser:
        return users
    return users.filter(pk__in=Enrolment.objects.taught_by(user).values("student"))


class EnrolmentInline(admin.TabularInline):
    """The class's students. Students join with the code or come in by the roster import (by
    username or email: a teacher is not shown every account on the site); they can be removed
    here."""

    model = Enrolment
    fields = ("student", "student_email", "joined_at")
    readonly_fields = ("student", "student_email", "joined_at")
    ordering = ("student__username",)
    extra = 0
    verbose_name = "student"
    verbose_name_plural = "students (add them with “Import roster”, or give them the join code)"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("student")

    @admin.display(description="Email")
    def student_email(self, obj):
        return obj.student.email


class QuizAssignmentInline(OwnedInline, admin.TabularInline):
    """A class's quizzes: the teacher assigns their own and shared ones (OwnedInline)."""

    model = QuizAssignment
    fields = ("quiz", "opens", "closes")
    autocomplete_fields = ("quiz",)
    extra = 0
    verbose_name = "assigned quiz"
    verbose_name_plural = "assigned quizzes (the closing date is the due date)"


class RosterForm(forms.Form):
    csv_text = forms.CharField(
        label="Usernames or emails",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 60}),
        help_text="One a line (the first column of a CSV); a header line “username” or "
        "“email” is skipped. Nobody is added unless every line names someone.",
    )
    csv_file = forms.FileField(label="Or a CSV file", required=False)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("csv_file")
        if upload:
            try:
                cleaned["csv_text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError({"csv_file": "The file is not UTF-8 text."}) from None
        if not (cleaned.get("csv_text") or "").strip():
            raise ValidationError("Type the usernames or emails, or choose a CSV file.")
        return cleaned


@admin.register(Classroom)
class ClassroomAdmin(GradebookViews, admin.ModelAdmin):
    list_display = ("name", "join_code", "student_count", "teacher_names", "created_at")
    search_fields = ("name", "join_code")
    fields = ("name", "join_code", "teachers", "created_at")
    readonly_fields = ("join_code", "created_at")
    filter_horizontal = ("teachers",)
    inlines = [EnrolmentInline, QuizAssignmentInline]
    actions = ["reset_join_code"]

    def get_queryset(self, request):
        return (
            Classroom.objects.taught_by(request.user)
            .annotate(_student_count=Count("enrolments", distinct=True))
            .prefetch_related("teachers")
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "teachers":
            # Teachers are chosen among the staff (the people who can use this admin).
            kwargs["queryset"] = get_user_model().objects.filter(
                Q(is_staff=True) | Q(is_superuser=True)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Whoever makes a class teaches it (else it would vanish from their list at once).
        if not change and not request.user.is_superuser:
            form.instance.teachers.add(request.user)

    @admin.display(description="Students", ordering="_student_count")
    def student_count(self, obj):
        return obj._student_count

    @admin.display(description="Teachers")
    def teacher_names(self, obj):
        return ", ".join(t.get_username() for t in obj.teachers.all())

    @admin.action(description="Reset the join code of the selected classes", permissions=["change"])
    def reset_join_code(self, request, queryset):
        for classroom in queryset:
            classroom_reset_code(classroom=classroom)
            self.message_user(
                request,
                f"{classroom.name}: the new join code is {classroom.join_code} "
                "(the old one no longer works; the students stay).",
                messages.SUCCESS,
            )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/roster/",
                self.admin_site.admin_view(self.roster_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_roster",
            ),
            *self.gradebook_urls(),
            *super().get_urls(),
        ]

    def roster_view(self, request, object_id):
        classroom = self.get_object(request, unquote(object_id))
        if classroom is None:
            raise Http404("No such class.")
        if not self.has_change_permission(request, classroom):
            raise PermissionDenied
        form = RosterForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = roster_import(classroom=classroom, csv_text=form.cleaned_data["csv_text"])
            except ValidationError as error:
                for problem in error.message_dict.get("csv", error.messages):
                    form.add_error(None, problem)
            else:
                self.message_user(
                    request,
                    f"{len(result.added)} student(s) added to {classroom.name}"
                    + (f", {len(result.already)} already in it." if result.already else "."),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                        args=[classroom.pk],
                    )
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": classroom,
            "title": f"Import a roster into {classroom.name}",
            "form": form,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/quizzes/classroom/roster.html", context)


class QuizOverrideForm(forms.ModelForm):
    class Meta:
        model = QuizOverride
        fields = ["quiz", "user", "classroom", *OVERRIDE_FIELDS]
        help_texts = {
            "user": "One student… (students of the classes you teach)",
            "classroom": "…or a whole class (exactly one of the two).",
        }

    def clean(self):
        cleaned = super().clean()
        if all(cleaned.get(name) in (None, "") for name in OVERRIDE_FIELDS):
            raise ValidationError(
                "An override needs at least one change: extra time, attempts or dates."
            )
        return cleaned


@admin.register(QuizOverride)
class QuizOverrideAdmin(admin.ModelAdmin):
    """Extra time, attempts or other dates on a quiz, for one student or one class. How they
    combine: README, "Classes" (`quizzes.services.classes.effective_rules`)."""

    form = QuizOverrideForm
    list_display = (
        "quiz",
        "user",
        "classroom",
        "extra_minutes",
        "time_multiplier",
        "extra_attempts",
        "opens",
        "closes",
    )
    list_select_related = ("quiz", "user", "classroom")
    list_filter = ("classroom",)
    search_fields = ("quiz__title", "user__username", "classroom__name")
    autocomplete_fields = ("quiz",)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        # Whom and what it is for stay put: another student or quiz is another override.
        return ("quiz", "user", "classroom") if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "classroom":
            kwargs["queryset"] = Classroom.objects.taught_by(request.user)
        elif db_field.name == "user":
            kwargs["queryset"] = students_taught_by(request.user).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Through the service: it takes the student's lock that a start takes.
        saved = override_set(
            quiz=obj.quiz,
            user=obj.user,
            classroom=obj.classroom,
            **{name: getattr(obj, name) for name in OVERRIDE_FIELDS},
        )
        obj.pk = saved.pk


@admin.register(QuizAssignment)
class QuizAssignmentAdmin(admin.ModelAdmin):
    """Every assignment of the classes one teaches, with its due date (also inline on a class)."""

    list_display = ("quiz", "classroom", "opens", "closes")
    list_select_related = ("quiz", "classroom")
    list_filter = ("classroom",)
    search_fields = ("quiz__title", "classroom__name")
    autocomplete_fields = ("quiz",)
    date_hierarchy = "closes"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(classroom__in=Classroom.objects.taught_by(request.user))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "classroom":
            kwargs["queryset"] = Classroom.objects.taught_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    """Who is in the classes one teaches. Students come in with the join code or a roster
    import (a class's "Import roster"), so there is no add form here."""

    list_display = ("student", "classroom", "joined_at")
    list_select_related = ("student", "classroom")
    list_filter = ("classroom",)
    search_fields = ("student__username", "student__email", "classroom__name")
    readonly_fields = ("classroom", "student", "joined_at")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(classroom__in=Classroom.objects.taught_by(request.user))
        )

    def has_add_permission(self, request):
        return False
