"""The search log covers every condition, and no page counts studies by their result."""

from ldnreview import load

DATA = load()


def test_every_condition_was_searched_with_dated_logged_queries():
    searched = DATA.searches.groupby("condition")
    missing = [c for c in DATA.conditions["condition"] if c != "general" and c not in searched.groups]
    assert not missing, f"conditions with no logged query in searches.csv: {missing}"
    for condition, queries in searched:
        assert queries["date"].str.match(r"^\d{4}-\d{2}-\d{2}$").all() and queries["hits"].notna().all(), condition


def test_every_included_record_points_at_a_study_of_the_data():
    included = DATA.records[DATA.records["decision"] == "included"]
    assert included["study_id"].notna().all(), "an included record must name its study"
