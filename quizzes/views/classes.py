"""A student's classes: join one with its code, see them, leave one. (Teachers manage classes
in the admin and the API.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from quizzes.forms import JoinClassForm
from quizzes.models import Classroom
from quizzes.selectors import classrooms_for_student
from quizzes.services.classes import classroom_join, classroom_leave


@require_GET
@login_required
def classroom_list(request):
    classrooms = classrooms_for_student(user=request.user)
    return render(request, "classes/classroom_list.html", {"classrooms": classrooms})


@require_http_methods(["GET", "POST"])
@login_required
def classroom_join_view(request):
    if request.method == "POST":
        form = JoinClassForm(request.POST)
        if form.is_valid():
            try:
                classroom, joined = classroom_join(
                    student=request.user, code=form.cleaned_data["code"]
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                if joined:
                    messages.success(request, f"You joined {classroom.name}.")
                else:
                    messages.info(request, f"You are already in {classroom.name}.")
                return redirect("classroom-list")
    else:
        # A link with the code in it (?code=…) fills it in; joining still takes the button.
        form = JoinClassForm(initial={"code": request.GET.get("code", "")[:40]})
    return render(request, "classes/join.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def classroom_leave_view(request, pk):
    """GET asks to confirm; POST leaves. Only a class the student is in (404 otherwise)."""
    classroom = Classroom.objects.attended_by(request.user).filter(pk=pk).first()
    if classroom is None:
        raise Http404("You are not in that class.")
    if request.method == "POST":
        classroom_leave(classroom=classroom, student=request.user)
        messages.success(request, f"You left {classroom.name}.")
        return redirect("classroom-list")
    return render(request, "classes/leave.html", {"classroom": classroom})
