"""advisor.knowledge.models: the fixed vocabularies the knowledge and the rules share."""

from advisor.knowledge.models import LAMBDA_MODEL_UNITS, LAMBDA_UNITS


def test_the_units_that_run_the_model_are_units_the_lambda_check_knows() -> None:
    assert set(LAMBDA_MODEL_UNITS) < set(LAMBDA_UNITS)
    assert {"function", "job"}.isdisjoint(LAMBDA_MODEL_UNITS)  # they run the user's own code, not the model
