"""Applying an inputs workbook's rows, sheet by sheet, through the same input services the web
forms use, noting for each row whether it creates, changes (and which columns) or leaves a record
unchanged, and every problem by sheet, row and column. The caller owns the transaction."""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from sqlmodel import Session, select

from models import AuditEvent, CostShare, DemandType, Partner
from planner.audit.service import Actor
from planner.excel import import_rows
from planner.excel import input_tables as tables
from planner.excel.community_sheets import (
    COMMUNITY_ROWS,
    community_absent,
    named_on_community_sheets,
)
from planner.excel.import_contracts import ContractMatch, match_contracts
from planner.excel.import_deletions import delete_absent, find_absent, listed_only
from planner.excel.import_outcome import (
    CREATE,
    UNCHANGED,
    UPDATE,
    FieldChange,
    ImportPreview,
    RowChange,
    display,
    field_changes,
    key_text,
    number_text,
    same_record,
)
from planner.excel.import_reader import (
    ParsedWorkbook,
    SheetProblem,
    SheetRow,
    column_header,
    is_absent,
    is_uncalculated,
)
from planner.excel.import_rows import RowImport
from planner.excel.input_cells import CellProblem, read_cell
from planner.excel.input_columns import InputSheet
from planner.excel.price_sheet import price_absent, price_index_row
from planner.excel.price_tables import PRICE_INDEX
from planner.inputs.bulk import written_in_bulk
from planner.inputs.service import (
    InputError,
    by_name,
    upsert_demand_type,
)

UNCALCULATED = (
    "holds a formula with no saved value; type the value in or save the file in Excel first"
)
# Columns that name another record, and the kind of record they name.
REFERENCES = {
    "partner": "partner",
    "intervention": "intervention",
    "place": "place",
    "demand_type": "demand type",
    "indicator": "risk indicator",
}


class Importer:
    """Applies the rows sheet by sheet through the input services, noting every problem."""

    def __init__(
        self, session: Session, actor: Actor | None, *, delete_missing: bool | None = None
    ) -> None:
        """``delete_missing``: True deletes the records a sheet leaves out, False only lists
        them, None (a preview, rolled back) tries deleting them to say which would be refused."""
        self.session = session
        self.actor = actor
        self.delete_missing = delete_missing
        self.matched_contracts: set[int] = set()
        self.outcome = ImportPreview()
        self.failed: set[tuple[str, str]] = set()
        self.events: list[AuditEvent] = []

    def run(self, parsed: ParsedWorkbook) -> ImportPreview:
        self.outcome.problems.extend(parsed.problems)
        rows = {name: self._readable(table_rows) for name, table_rows in parsed.rows.items()}
        with written_in_bulk(self.session) as self.events:
            first: tuple[tuple[InputSheet, RowImport], ...] = (
                (tables.PARTNERS, import_rows.partner),
                (tables.CYCLES, import_rows.cycle),
                (tables.INTERVENTIONS, import_rows.intervention),
                (tables.PLACES, import_rows.place),
                (PRICE_INDEX, price_index_row),
            )
            for table, apply_row in first:
                for row, values in rows.get(table.name, []):
                    self._attempt(row, values, apply_row)
            self._demand_types(rows.get("Demand types", []), rows.get("Cost shares", []))
            later: tuple[tuple[InputSheet, RowImport], ...] = (
                (tables.EFFECTS, import_rows.effect),
                (tables.POPULATIONS, import_rows.population),
                (tables.CAPACITIES, import_rows.capacity),
                (tables.BUDGET_LINES, import_rows.budget_line),
                *COMMUNITY_ROWS,
            )
            for table, apply_row in later:
                for row, values in rows.get(table.name, []):
                    self._attempt(row, values, apply_row)
            self._contracts(rows.get(tables.CONTRACTS.name, []))
            if self.outcome.ok:
                self._missing(parsed, rows)
        order = {table.name: index for index, table in enumerate(tables.INPUT_SHEETS)}
        self.outcome.problems.sort(key=lambda p: (order.get(p.sheet, 99), p.row or 0))
        self.outcome.changes.sort(key=lambda c: (order.get(c.sheet, 99), c.row))
        return self.outcome

    def _contracts(self, rows: list[tuple[SheetRow, dict[str, Any]]]) -> None:
        """Contract rows, each updating the existing contract it is (by partner, intervention,
        place and overlapping years) or adding one."""
        matches = match_contracts(self.session, rows)
        self.matched_contracts = {m.existing for m in matches.values() if m.existing is not None}
        for row, values in rows:
            match = matches.get(row.number, ContractMatch())
            if match.problem:
                if not self._depends_on_failed(row.sheet, values):
                    self._problem(row, "years", match.problem)
                continue
            self._attempt(row, values, partial(import_rows.contract, existing=match.existing))

    def _missing(self, parsed: ParsedWorkbook, rows: dict[str, list[tuple[SheetRow, Any]]]) -> None:
        """Sheets the workbook lacks, and records its sheets leave out (deleted, or listed)."""
        self.outcome.missing_sheets = [
            table.name for table in tables.INPUT_SHEETS if table.name not in parsed.sheets
        ]
        absent = community_absent(self.session, parsed.rows, rows)
        absent += price_absent(self.session, parsed.rows, rows)
        absent += named_on_community_sheets(
            find_absent(self.session, parsed.rows, rows, self.matched_contracts), rows
        )
        if self.delete_missing is False:
            self.outcome.missing = listed_only(absent)
            return
        self.outcome.missing = delete_absent(self.session, self.actor, absent)
        self.outcome.deleting = bool(self.delete_missing)
        if not self.delete_missing:
            return
        for record in self.outcome.missing:
            if record.refused:
                self.outcome.problems.append(
                    SheetProblem(
                        record.sheet,
                        None,
                        "",
                        f"{record.label} has no row on this sheet, so the import would delete "
                        f"it, but it cannot be deleted: {record.refused}. Put its row back, or "
                        "import without deleting.",
                    )
                )

    # Reading cells -----------------------------------------------------------------------

    def _readable(self, table_rows: list[SheetRow]) -> list[tuple[SheetRow, dict[str, Any]]]:
        """Rows whose cells all read cleanly, without repeats of a row's identifying columns."""
        readable = []
        seen: dict[tuple[str, ...], int] = {}
        for row in table_rows:
            values: dict[str, Any] = {}
            bad = False
            for col in row.sheet.columns:
                raw = row.cells.get(col.field)
                if is_absent(raw):
                    continue
                if is_uncalculated(raw):
                    self._problem(row, col.field, UNCALCULATED)
                    bad = True
                    continue
                try:
                    values[col.field] = read_cell(col, raw)
                except CellProblem as problem:
                    self._problem(row, col.field, str(problem))
                    bad = True
            if bad:
                self._mark_failed(row, values)
                continue
            key = tuple(key_text(values.get(name)) for name in row.sheet.key)
            if key in seen:
                self._problem(
                    row,
                    "",
                    f"repeats row {seen[key]} ({self._label(row.sheet, values)}); give each once",
                )
                continue
            seen[key] = row.number
            readable.append((row, values))
        return readable

    # Applying rows -----------------------------------------------------------------------

    def _attempt(
        self,
        row: SheetRow,
        values: dict[str, Any],
        apply_row: RowImport,
        *,
        ignore: frozenset[str] = frozenset(),
    ) -> str | None:
        """Apply one row, note what it changed; returns the action, or None if it failed."""
        if self._depends_on_failed(row.sheet, values):
            return None
        start = len(self.events)
        try:
            apply_row(self.session, self.actor, values)
        except InputError as error:
            self._input_problems(row, error)
            self._mark_failed(row, values)
            return None
        events = self.events[start:]
        action = self._classify(events, ignore)
        fields = field_changes(row.sheet, events, ignore) if action == UPDATE else ()
        self.outcome.changes.append(
            RowChange(row.sheet.name, row.number, self._label(row.sheet, values), action, fields)
        )
        return action

    def _classify(self, events: list[AuditEvent], ignore: frozenset[str]) -> str:
        """Create, update or unchanged, from the audit events the services wrote. An update that
        changed nothing leaves no audit event behind."""
        if any(item.action == "create" for item in events):
            return CREATE
        changed = [item for item in events if not same_record(item.before, item.after, frozenset())]
        if len(changed) < len(events):
            # Events that restate a record as it was are not written (the audit log keeps
            # changes); the row's events are the last ones kept.
            del self.events[len(self.events) - len(events) :]
            self.events.extend(changed)
        if any(not same_record(item.before, item.after, ignore) for item in changed):
            return UPDATE
        return UNCHANGED

    def _demand_types(
        self,
        type_rows: list[tuple[SheetRow, dict[str, Any]]],
        share_rows: list[tuple[SheetRow, dict[str, Any]]],
    ) -> None:
        """Demand types with their cost shares: a demand type's shares are replaced by the rows
        the Cost shares sheet gives for it, and must total 100%."""
        groups: dict[str, list[tuple[SheetRow, dict[str, Any]]]] = {}
        # A demand type whose shares name a partner whose own row failed is left alone: its
        # shares cannot be checked until that row is fixed, and nothing is saved meanwhile.
        blocked = {
            key_text(values["demand_type"])
            for row, values in share_rows
            if self._depends_on_failed(row.sheet, values)
        }
        for row, values in share_rows:
            if key_text(values["demand_type"]) in blocked:
                self.failed.add(self._key("demand type", values["demand_type"]))
                continue
            partner = by_name(self.session, Partner, values["partner"])
            if partner is None:
                self._problem(row, "partner", f"There is no partner called '{values['partner']}'")
                self._mark_failed(row, {"demand_type": values["demand_type"]})
                continue
            groups.setdefault(key_text(values["demand_type"]), []).append((row, values))
        for row, values in type_rows:
            group = groups.pop(key_text(values["name"]), None)
            self._demand_type(row, values, group)
        for group in groups.values():
            row, values = group[0]
            existing = by_name(self.session, DemandType, values["demand_type"])
            if existing is None:
                self._problem(
                    row, "demand_type", f"There is no demand type called '{values['demand_type']}'"
                )
                continue
            # Only the demand type's shares change: its own fields keep their values.
            self._demand_type(None, {"name": existing.name}, group)

    def _demand_type(
        self,
        row: SheetRow | None,
        values: dict[str, Any],
        group: list[tuple[SheetRow, dict[str, Any]]] | None,
    ) -> None:
        if group is not None and self._key("demand type", values["name"]) in self.failed:
            return
        current = by_name(self.session, DemandType, values["name"])
        before = _current_shares(self.session, current)
        shares = None
        if group is not None:
            shares = {
                share_values["partner"]: share_values["share_percent"] for _r, share_values in group
            }
        start = len(self.events)
        try:
            upsert_demand_type(self.session, values, shares, actor=self.actor, commit=False)
        except InputError as error:
            self._share_problems(row, group, error)
            if row is not None:
                self._mark_failed(row, values)
            return
        # The demand type row counts as changed only for its own fields; its shares are counted
        # on the Cost shares sheet.
        events = self.events[start:]
        own_fields = frozenset({"cost_shares"})
        action = self._classify(events, own_fields)
        if row is not None:
            fields = field_changes(row.sheet, events, own_fields) if action == UPDATE else ()
            self.outcome.changes.append(
                RowChange(
                    row.sheet.name, row.number, self._label(row.sheet, values), action, fields
                )
            )
        for share_row, share_values in group or []:
            partner = by_name(self.session, Partner, share_values["partner"])
            old = before.get(partner.id) if partner is not None and partner.id is not None else None
            action = (
                CREATE
                if old is None
                else (
                    UNCHANGED
                    if same_record(str(old), str(share_values["share_percent"]), frozenset())
                    else UPDATE
                )
            )
            label = f"{values['name']} · {share_values['partner']}"
            share = share_row.sheet.column_for("share_percent")
            moved = (
                (
                    FieldChange(
                        share.header, number_text(old), number_text(share_values["share_percent"])
                    ),
                )
                if action == UPDATE and share is not None and old is not None
                else ()
            )
            self.outcome.changes.append(
                RowChange(share_row.sheet.name, share_row.number, label, action, moved)
            )

    def _share_problems(
        self,
        row: SheetRow | None,
        group: list[tuple[SheetRow, dict[str, Any]]] | None,
        error: InputError,
    ) -> None:
        for key, reason in error.errors.items():
            if key.startswith("share_") and group:
                partner_id = key.removeprefix("share_")
                target = next(
                    (
                        share_row
                        for share_row, share_values in group
                        if str(
                            getattr(
                                by_name(self.session, Partner, share_values["partner"]), "id", ""
                            )
                        )
                        == partner_id
                    ),
                    group[0][0],
                )
                self._problem(target, "share_percent", reason)
            elif key == "cost_shares" and group:
                self._problem(group[0][0], "share_percent", reason)
            elif key == "cost_shares" and row is not None:
                self._problem(row, "", reason + " (add its rows to the Cost shares sheet)")
            elif row is not None:
                self._problem(row, key, reason)
            elif group:
                self._problem(group[0][0], "", reason)

    # Problems ----------------------------------------------------------------------------

    def _input_problems(self, row: SheetRow, error: InputError) -> None:
        for key, reason in error.errors.items():
            self._problem(row, key, reason)

    def _problem(self, row: SheetRow, field_name: str, reason: str) -> None:
        name = field_name.removesuffix("_id") if field_name != "__all__" else ""
        col = row.sheet.column_for(name) if name else None
        header = column_header(col, name) if name else ""
        self.outcome.problems.append(SheetProblem(row.sheet.name, row.number, header, reason))

    def _mark_failed(self, row: SheetRow, values: dict[str, Any]) -> None:
        """Rows that name a record whose own row failed are skipped quietly: fixing that one
        row fixes them too."""
        kind = {
            "Partners": "partner",
            "Interventions": "intervention",
            "Places": "place",
            "Demand types": "demand type",
            "Risk indicators": "risk indicator",
        }.get(row.sheet.name)
        if kind and values.get("name"):
            self.failed.add(self._key(kind, values["name"]))
        if row.sheet.name == "Cost shares" and values.get("demand_type"):
            self.failed.add(self._key("demand type", values["demand_type"]))

    def _depends_on_failed(self, sheet: InputSheet, values: dict[str, Any]) -> bool:
        return any(
            values.get(fld) and self._key(kind, values[fld]) in self.failed
            for fld, kind in REFERENCES.items()
        )

    @staticmethod
    def _key(kind: str, name: object) -> tuple[str, str]:
        return (kind, key_text(name))

    @staticmethod
    def _label(sheet: InputSheet, values: dict[str, Any]) -> str:
        return " · ".join(display(values.get(name)) for name in sheet.key if values.get(name))


def _current_shares(session: Session, demand_type: DemandType | None) -> dict[int, Decimal]:
    if demand_type is None:
        return {}
    return {
        share.partner_id: share.share_percent
        for share in session.exec(
            select(CostShare).where(CostShare.demand_type_id == demand_type.id)
        )
    }
