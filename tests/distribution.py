"""How `run.py test` hands the test files to its xdist workers: the longest first.

Each worker takes a whole file at a time (`--dist loadfile`, so a file's module-scoped data is
built once), and takes the next file when it has almost run out. xdist hands out the files
with the most tests first, which leaves files of one or a few long tests (the migrations run
on a database of their own, a crawl of every page, subprocesses starting Django) to the very end,
where one worker runs them while the other has nothing left to do. Here the files known to
take longest go first, longest first, and the rest follow as xdist orders them.

Some of those files end with a flush (a transactional test, the crawl's demo); the root
conftest writes the data migrations' rows back after every flush, so whatever a worker runs
next finds the database as the migrations left it.
"""

from xdist.scheduler import LoadFileScheduling  # type: ignore[import-untyped]

# Seconds each took in one process (`pytest -p no:xdist --durations=0`, 4 December 2026);
# only their order matters. Keep the list to the files that take longer than most.
LONGEST = {
    "tests/test_authorization_matrix.py": 80,
    # Half its CPU time since it migrates an empty database of its own forward instead of
    # the test database back and forward (7 December 2026: 39 s against 79 s, busy machine).
    "tandem/tests/test_clinical_record_migrations.py": 37,
    "tests/test_crawl.py": 48,
    "tests/bad_input/test_every_write_refuses_bad_input.py": 43,
    "outcomes/tests/test_facts.py": 20,
    "assessments/tests/test_demo.py": 17,
    "assessments/tests/test_scoring_properties.py": 16,
    "tests/test_seed_demo.py": 16,
    "tests/test_seeded_demo.py": 6,
    "tests/test_settings.py": 15,
    "scheduling/tests/test_demo_week.py": 11,
    "scheduling/tests/test_solver_construct.py": 9,
    # The browser tests (`run.py test --browser --durations=15`, 6 December 2026, on a busy
    # machine, so larger than the others; they never run with them).
    "tests/browser/test_accessibility.py": 67,
    "tests/browser/test_foundation_walkthrough.py": 40,
    "tests/browser/test_schedule_walkthrough.py": 31,
    "tests/browser/test_assessment_tablet.py": 31,
    "tests/browser/test_pages_fit_a_phone.py": 23,
    "tests/browser/test_intake_walkthrough.py": 19,
}


class LongestFirst(LoadFileScheduling):
    """`--dist loadfile`, handing out the files of `LONGEST` before all others."""

    def _assign_work_unit(self, node) -> None:
        longest = max(
            self.workqueue, key=lambda scope: (LONGEST.get(scope, 0), len(self.workqueue[scope]))
        )
        self.workqueue.move_to_end(longest, last=False)
        super()._assign_work_unit(node)
