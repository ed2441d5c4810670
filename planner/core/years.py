"""What every figure for one financial year shares: the year as commissioners write it."""

from models.vocabulary import financial_year_label


class InFinancialYear:
    """Mixed into a dataclass with a `year` field, the start year of a financial year (2026 is
    2026/27), so plan rows, place rows and delivery rows all label their year the same way."""

    year: int

    @property
    def year_label(self) -> str:
        """2026 -> '2026/27'."""
        return financial_year_label(self.year)
