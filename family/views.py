"""The Support people tab: the list, adding one, and withdrawing one added by mistake."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from audit.models import Action
from family import selectors, services
from family.forms import EnteredInErrorForm, SupportPersonForm
from family.models import SupportPerson
from participants.access import Scope, decide
from participants.decorators import not_found, participant_page
from participants.http import StaffRequest
from participants.views import chart_context
from tandem.errors import InvalidInput


def _render(request, participant, form, status=200) -> HttpResponse:
    context = chart_context(request, participant, "support")
    record = decide(request.user, participant, Action.CREATE, Scope.CLINICAL)
    context.update(
        people=selectors.support_people_for(participant),
        form=form,
        can_record=record.allowed,
        closed_chart=record.closed_chart,
    )
    return render(request, "family/tab.html", context, status=status)


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def tab(request: StaffRequest, participant) -> HttpResponse:
    if request.method != "POST":
        return _render(request, participant, SupportPersonForm())
    form = SupportPersonForm(request.POST)
    if form.is_valid():
        try:
            services.add_support_person(participant, by=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Support person added.")
            return redirect("family:tab", participant_id=participant.public_id)
    return _render(request, participant, form, status=400)


@participant_page(Scope.CLINICAL, methods=("POST",))
def entered_in_error(request: StaffRequest, participant, person_id) -> HttpResponse:
    person = (
        SupportPerson.objects.current().filter(public_id=person_id, participant=participant).first()
    )
    if person is None:
        return not_found(request)
    form = EnteredInErrorForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the support person was entered in error.")
    else:
        try:
            services.mark_entered_in_error(
                person, by=request.user, reason=form.cleaned_data["reason"]
            )
        except InvalidInput as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Support person marked entered in error.")
    return redirect("family:tab", participant_id=participant.public_id)
