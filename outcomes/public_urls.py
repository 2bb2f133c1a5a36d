"""The public program pages, mounted without a namespace (no sign-in), English and Spanish."""

from django.urls import path

from outcomes import public

urlpatterns = [
    path("", public.program_list, name="front_door_list"),
    path("es/", public.program_list, {"lang": "es"}, name="front_door_list_es"),
    path("<slug:slug>/", public.program_page, name="front_door"),
    path("<slug:slug>/es/", public.program_page, {"lang": "es"}, name="front_door_es"),
    path("<slug:slug>/thanks/", public.thanks, name="front_door_thanks"),
    path("<slug:slug>/es/thanks/", public.thanks, {"lang": "es"}, name="front_door_thanks_es"),
]
