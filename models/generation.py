"""The partnership's data generation: one counter, raised in the same transaction as every
committed change to the records pages show (planner.core.generation does the raising).

Pages rendered once and kept (planner.core.page_cache) are kept under the generation they were
rendered at, so a change anywhere makes every kept page out of date at the moment it commits.
"""

from sqlmodel import Field, SQLModel

GENERATION_ROW = 1


class DataGeneration(SQLModel, table=True):
    __tablename__ = "data_generation"

    id: int = Field(default=GENERATION_ROW, primary_key=True)
    value: int = Field(default=1)
