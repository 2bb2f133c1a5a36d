"""Base classes shared by every clinical record."""

import uuid

from django.db import models


class TimeStamped(models.Model):
    """Public UUID plus created/modified stamps: the habits of a clinical record."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Versioned(models.Model):
    """A version counter that detects two people editing the same record at once."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
