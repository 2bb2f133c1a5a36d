"""JSON API endpoints of this module."""

from ninja import Router

router = Router(tags=["assessments"])
