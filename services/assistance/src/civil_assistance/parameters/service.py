"""The assistance parameters' store, and the look-ups other use cases rely on."""

from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.entitlements.reviews import ReviewIntervals
from civil_assistance.parameters.keys import ParameterKey
from civil_assistance.parameters.models import AssistanceParameter
from civil_shared.runtime.parameters import ParameterStore

store = ParameterStore(AssistanceParameter, ParameterKey, code_prefix="ASSISTANCE")
find_parameter = store.find
parameter_value = store.value


async def review_intervals(session: AsyncSession, year: int, area_code: str) -> ReviewIntervals:
    """The three months of the dibao review rule, as ``review_due_date`` takes them."""
    stable, unstable, after_death = [
        int(await parameter_value(session, key, year, area_code))
        for key in (
            ParameterKey.REVIEW_INTERVAL_STABLE_MONTHS,
            ParameterKey.REVIEW_INTERVAL_UNSTABLE_MONTHS,
            ParameterKey.REVIEW_AFTER_DEATH_MONTHS,
        )
    ]
    return ReviewIntervals(
        stable_months=stable, unstable_months=unstable, after_death_months=after_death
    )
