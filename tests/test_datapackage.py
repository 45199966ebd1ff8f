"""The published data package is valid in the field's own tool, not only in ours."""

from frictionless import Package

from ldnreview import paths


def test_frictionless_validates_the_data_package():
    report = Package(str(paths.data_dir() / "datapackage.json")).validate()
    problems = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors][:20]
    assert report.valid, "frictionless validate data/datapackage.json fails:\n" + "\n".join(problems)
