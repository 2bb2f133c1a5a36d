"""The Part 2 and other records of the world's participant, for the read and export tests."""

from fhirapi.tests.test_fhir_api import record  # noqa: F401 (a fixture, used by name)
