"""Adding a rule family that a numeric scenario setting sets touches six files, no more (a
family no setting sets, four).

In a temporary copy of the tree, a "most share of spend on one intervention" family is added by
editing only the files ``optimiser/families.py`` lists under "How to add a rule family"; the
copy's own registry walk (``tests/test_rule_registry.py``: form, summary, API schema, workbook
labels, plan page groups, explanation words) and the new family's hand-solved test then pass
there, and Alembic's autogenerate finds the migration and the generated column in step.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("optimiser", "models", "planner", "tests", "static", "alembic.ini", "pyproject.toml")
MIGRATION = "planner/migrations/versions/0999_intervention_share.py"
HAND_SOLVED = "tests/optimiser/test_intervention_share.py"
# The files a numeric setting's family touches: the exact list in optimiser/families.py.
NUMERIC_SETTING_FILES = {
    "optimiser/families.py",
    "optimiser/scenario.py",
    "optimiser/rules/value.py",
    "optimiser/build.py",
    MIGRATION,
    HAND_SOLVED,
}
# A family no setting sets: the registry entry, the rule, its call and its hand-solved test.
FIXED_FAMILY_FILES = NUMERIC_SETTING_FILES - {"optimiser/scenario.py", MIGRATION}

SETTING = """    Setting(
        "max_share_one_intervention",
        "Most share of spend on one intervention",
        "No intervention takes more than this percentage of all spend (100 turns the rule off).",
        Unit.PERCENT,
        1.0,
        1,
        100,
        section=Section.VALUE,
    ),
"""
FAMILY = """    RuleFamily(
        "intervention_share",
        "Share of spend on one intervention",
        "one-intervention-share rule",
        "Most share on one intervention",
        Unit.POUNDS,
        "a higher most share of spend on one intervention",
        setting="max_share_one_intervention",
        phrase="the rule that at most {coefficient:percent} of spend goes to {key0:intervention}",
    ),
"""
# A family no setting sets: the same rule at a fixed half, read from nowhere else.
FIXED_FAMILY = FAMILY.replace('        setting="max_share_one_intervention",\n', "")
FIXED_RULE = '''

def add_intervention_share(model: Model) -> None:
    """No intervention takes more than half of all spend: spend_i <= 0.5 * total."""
    share = 0.5
    spend: dict[str, Terms] = {}
    for (_line, key, _zone), var in model.funding.items():
        spend.setdefault(key, []).append((var, 1.0))
    for key, terms in spend.items():
        terms.append((_total_spend(model), -share))
        model.add("intervention_share", (key,), terms, LE, 0.0, coefficient=share)
'''
FIXED_TEST = '''"""The rule "at most half of spend on one intervention". Hand-solved."""

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import BudgetLine, Partner, optimise


def test_half_of_spend_on_one_intervention_at_most():
    """£100; A £10 for 4 (0.40/£), B £20 for 5 (0.25/£). At most half on one intervention:
    A £50 (20 avoided), B £50 (12.5): 32.5."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 4), intervention("b", 20, 5)),
        partners=(Partner("p", "Partner P"),),
    )
    plan = optimise(inputs, simple_rules(), compare_pooling=False)
    assert plan.objective == pytest.approx(32.5)
    rule = next(b for b in plan.binding_constraints if b.family == "intervention_share")
    assert "the rule that at most 50% of spend goes to" in rule.sentence.lower(), rule.sentence
'''
# Run in the copy: the plan page groups the fixed family's rules under its heading.
FIXED_CHECK = """
from planner.plans.binding import binding_groups

groups = binding_groups(
    {"binding_constraints": [{"family": "intervention_share", "shadow_price": 1.0, "sentence": "s"}]}
)
assert [group.family.heading for group in groups] == ["Share of spend on one intervention"]
print("every reader shows it")
"""
ADD_RULE = '''

def add_intervention_share(model: Model) -> None:
    """No intervention takes more than a share of all spend: spend_i <= share * total."""
    share = model.rules.max_share_one_intervention
    if share >= 1:
        return
    spend: dict[str, Terms] = {}
    for (_line, key, _zone), var in model.funding.items():
        spend.setdefault(key, []).append((var, 1.0))
    for key, terms in spend.items():
        terms.append((_total_spend(model), -share))
        model.add("intervention_share", (key,), terms, LE, 0.0, coefficient=share)
'''
TEST = '''"""The rule "at most X% of spend on one intervention". Hand-solved."""

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import BudgetLine, Partner, optimise


def test_share_on_one_intervention_binds():
    """£100; A £10 for 4 (0.40/£), B £20 for 5 (0.25/£). At most 60% on one intervention:
    A £60 (24 avoided), B £40 (10): 34. Without the rule: all A, 40."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 4), intervention("b", 20, 5)),
        partners=(Partner("p", "Partner P"),),
    )
    plan = optimise(inputs, simple_rules(max_share_one_intervention=0.6), compare_pooling=False)
    assert plan.objective == pytest.approx(34)
    rule = next(b for b in plan.binding_constraints if b.family == "intervention_share")
    assert "the rule that at most 60% of spend goes to" in rule.sentence.lower(), rule.sentence
    free = optimise(inputs, simple_rules(), compare_pooling=False)
    assert free.objective == pytest.approx(40)
'''
# Run in the copy, beside (not in) its tree: every reader shows the new setting and family.
READERS_CHECK = """
import os, re, sys, tempfile
from pathlib import Path

import sqlalchemy
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import models
from models import Scenario
from models.user import Role
from optimiser import ScenarioRules
from planner.api.scenarios import ScenarioBody, ScenarioOut
from planner.db import new_session
from planner.excel.plan_inputs import FIELD_LABELS
from planner.excel.plan_view import describe_rules as workbook_rules
from planner.plans.binding import binding_groups
from tests.conftest import add_user, make_app, sign_in

assert models.__file__.startswith(os.getcwd()), models.__file__
NAME, LABEL = "max_share_one_intervention", "Most share of spend on one intervention"
HELP = "No intervention takes more than this percentage of all spend (100 turns the rule off)."
folder = Path(tempfile.mkdtemp())
url = f"sqlite:///{folder / 'planner.sqlite'}"

# The migration adds the column the registry makes, and Alembic's autogenerate sees no gap.
config = Config("alembic.ini")
config.set_main_option("sqlalchemy.url", url)
os.environ["DATABASE_URL"] = url
command.upgrade(config, "head")
with sqlalchemy.create_engine(url).connect() as connection:
    columns = [c["name"] for c in sqlalchemy.inspect(connection).get_columns("scenario")]
    assert NAME in columns, columns
    gap = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
assert gap == [], gap

# The form asks for it in its section, with its label, help and unit.
app = make_app(url, folder)
client = app.test_client()
sign_in(client, add_user(app, Role.COMMISSIONER))
page = client.get("/scenarios/new").data.decode()
section = re.search(r'id="section-value">(.*?)id="section-', page, re.S).group(1)
assert f'name="{NAME}"' in section and LABEL in section and HELP in section, section
assert re.search(f'name="{NAME}"[^>]*>\\s*<span class="unit">%</span>', section), section

# The summary shows it, with its value in its unit.
with app.app_context(), new_session() as session:
    scenario = Scenario(name="One intervention at most 60%", max_share_one_intervention=0.6)
    session.add(scenario)
    session.commit()
    scenario_id = scenario.id
summary = client.get(f"/scenarios/{scenario_id}").data.decode()
assert LABEL in summary and "60%" in summary, summary

# The API documents it both ways; the workbook labels it; the plan page groups its rules.
assert HELP in ScenarioBody.model_json_schema()["properties"][NAME]["description"]
assert HELP in ScenarioOut.model_json_schema()["properties"][NAME]["description"]
assert FIELD_LABELS[NAME] == LABEL
rules = ScenarioRules(first_year=2026, max_share_one_intervention=0.6)
assert (LABEL, "60%") in workbook_rules(rules, {}), workbook_rules(rules, {})
groups = binding_groups(
    {"binding_constraints": [{"family": "intervention_share", "shadow_price": 1.0, "sentence": "s"}]}
)
assert [group.family.heading for group in groups] == ["Share of spend on one intervention"]
print("every reader shows it")
"""


def _insert_before(path: Path, marker: str, text: str) -> None:
    source = path.read_text()
    assert marker in source, (path, marker)
    path.write_text(source.replace(marker, text + marker, 1))


def _add_the_rule(tree: Path, family: str, rule: str) -> None:
    """Steps common to every family: its registry entry, its add_* function and its call."""
    _insert_before(tree / "optimiser/families.py", ")\n# In the order the plan page", family)
    value = tree / "optimiser/rules/value.py"
    value.write_text(value.read_text() + rule)
    build = tree / "optimiser/build.py"
    source = build.read_text()
    source = source.replace(
        "    add_sector_share,\n", "    add_intervention_share,\n    add_sector_share,\n"
    )
    source = source.replace(
        "    add_sector_share(model)\n",
        "    add_sector_share(model)\n    add_intervention_share(model)\n",
    )
    build.write_text(source)


def _add_the_numeric_family(tree: Path) -> None:
    """The edits "How to add a rule family" asks for, and only those."""
    _add_the_rule(tree, FAMILY, ADD_RULE)
    _insert_before(tree / "optimiser/families.py", ")\nSETTINGS:", SETTING)
    _insert_before(
        tree / "optimiser/scenario.py",
        "    place_caps: Mapping",
        "    max_share_one_intervention: float = 1.0\n",
    )
    head = ScriptDirectory.from_config(Config(str(ROOT / "alembic.ini"))).get_current_head()
    (tree / MIGRATION).write_text(
        f'''"""Most share of spend on one intervention."""

import sqlalchemy as sa
from alembic import op

revision = "0999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scenario") as batch:
        batch.add_column(
            sa.Column("max_share_one_intervention", sa.Float(), nullable=False, server_default="1.0")
        )


def downgrade() -> None:
    with op.batch_alter_table("scenario") as batch:
        batch.drop_column("max_share_one_intervention")
'''
    )
    (tree / HAND_SOLVED).write_text(TEST)


def _changed_files(tree: Path) -> set[str]:
    changed: set[str] = set()

    def walk(comparison: filecmp.dircmp[str], prefix: str) -> None:
        changed.update(prefix + name for name in comparison.diff_files + comparison.left_only)
        changed.update(prefix + name for name in comparison.right_only if name != "__pycache__")
        for name, sub in comparison.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    for top in COPIED:
        if (ROOT / top).is_dir():
            walk(filecmp.dircmp(tree / top, ROOT / top, ignore=["__pycache__"]), f"{top}/")
        elif not filecmp.cmp(tree / top, ROOT / top, shallow=False):
            changed.add(top)
    return changed


def _copy_of_the_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    for top in COPIED:
        if (ROOT / top).is_dir():
            shutil.copytree(ROOT / top, tree / top, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / top, tree / top)
    return tree


def _assert_every_reader_shows_it(tree: Path, check: str) -> None:
    """In the copy: its registry walk and the new hand-solved test pass, then ``check``."""
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    walk = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "0",
            "-q",
            "-rA",
            "-p",
            "no:cacheprovider",
            "tests/test_rule_registry.py",
            HAND_SOLVED,
        ],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert walk.returncode == 0, walk.stdout[-4000:] + walk.stderr[-2000:]
    assert f"PASSED {HAND_SOLVED}::" in walk.stdout, walk.stdout[-4000:]  # it ran, and passed
    readers = subprocess.run(
        [sys.executable, "-c", check], cwd=tree, env=environment, capture_output=True, text=True
    )
    assert readers.returncode == 0, readers.stderr[-3000:]
    assert "every reader shows it" in readers.stdout


def test_a_numeric_setting_family_touches_six_files_and_every_reader_shows_it(
    tmp_path: Path,
) -> None:
    tree = _copy_of_the_tree(tmp_path)
    _add_the_numeric_family(tree)
    assert _changed_files(tree) == NUMERIC_SETTING_FILES
    _assert_every_reader_shows_it(tree, READERS_CHECK)


def test_a_family_no_setting_sets_touches_four_files(tmp_path: Path) -> None:
    tree = _copy_of_the_tree(tmp_path)
    _add_the_rule(tree, FIXED_FAMILY, FIXED_RULE)
    (tree / HAND_SOLVED).write_text(FIXED_TEST)
    assert _changed_files(tree) == FIXED_FAMILY_FILES
    _assert_every_reader_shows_it(tree, FIXED_CHECK)
