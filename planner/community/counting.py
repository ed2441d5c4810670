"""Counting a participatory budget two ways, side by side: the Method of Equal Shares (pabutools,
completed as its authors recommend: raise the voters' budgets until the money is used, then fill
greedily) and the usual greedy count (most support first while money lasts). For each, what every
group of voters got: the share of its voters with a winning project they backed, and the money
spent on projects they backed per voter."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pabutools.election import (
    Additive_Cardinal_Sat,
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    CumulativeBallot,
    CumulativeProfile,
    Instance,
    Project,
)
from pabutools.rules import (
    completion_by_rule_combination,
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from sqlmodel import Session, col, select

from models.ballot import Ballot, BallotKind, BallotOption, Vote, VotingCode
from planner.community.ballots import options_of
from planner.db import stored_id

EQUAL_SHARES = "equal_shares"
GREEDY = "greedy"
METHOD_NAMES = {EQUAL_SHARES: "Method of Equal Shares", GREEDY: "Greedy (most support first)"}


@dataclass(frozen=True)
class GroupOutcome:
    group: str
    voters: int
    with_a_winner: int  # voters who backed at least one winning project
    money_backed_per_voter: float  # cost of winning projects they backed, averaged

    @property
    def share_with_a_winner(self) -> float:
        return self.with_a_winner / self.voters if self.voters else 0.0


@dataclass(frozen=True)
class CountResult:
    method: str
    winners: tuple[int, ...]  # option ids
    cost: Decimal
    groups: tuple[GroupOutcome, ...]

    @property
    def name(self) -> str:
        return METHOD_NAMES[self.method]


@dataclass(frozen=True)
class BallotCount:
    votes: int
    support: dict[int, int]  # option id -> points (approvals) received
    results: tuple[CountResult, ...]

    def result(self, method: str) -> CountResult:
        return next(r for r in self.results if r.method == method)


def count_ballot(session: Session, ballot: Ballot) -> BallotCount:
    """Both counts of a ballot from its votes (before it closes too: a running count)."""
    options = options_of(session, ballot)
    votes = list(
        session.exec(
            select(Vote, VotingCode.voter_group)
            .join(VotingCode, VotingCode.id == Vote.code_id)  # type: ignore[arg-type]
            .where(Vote.ballot_id == ballot.id)
            .order_by(col(Vote.id))
        )
    )
    ballots = [({int(k): int(v) for k, v in vote.points.items()}, group) for vote, group in votes]
    return count_votes(options, ballot.kind, Decimal(ballot.amount), ballots)


def count_votes(
    options: list[BallotOption],
    kind: BallotKind,
    amount: Decimal,
    ballots: list[tuple[dict[int, int], str]],
) -> BallotCount:
    """The two counts of these votes (option id -> points, voter group) within ``amount``."""
    support: dict[int, int] = {stored_id(option): 0 for option in options}
    for points, _group in ballots:
        for option_id, given in points.items():
            support[option_id] = support.get(option_id, 0) + given
    # A project nobody voted for is never funded, whatever money is left over.
    projects = {
        stored_id(option): Project(str(option.id), int(option.cost))
        for option in options
        if support.get(stored_id(option), 0) > 0
    }
    instance = Instance(projects.values(), budget_limit=int(amount))
    results: list[CountResult] = []
    if ballots:
        if kind is BallotKind.APPROVAL:
            profile = ApprovalProfile(
                [ApprovalBallot([projects[o] for o in points]) for points, _g in ballots]
            )
            satisfaction: type = Cost_Sat
        else:
            profile = CumulativeProfile(
                [
                    CumulativeBallot({projects[o]: p for o, p in points.items()})
                    for points, _g in ballots
                ]
            )
            satisfaction = Additive_Cardinal_Sat
        equal_shares = completion_by_rule_combination(
            instance,
            profile,
            [exhaustion_by_budget_increase, greedy_utilitarian_welfare],
            [
                {"rule": method_of_equal_shares, "rule_params": {"sat_class": satisfaction}},
                {"sat_class": satisfaction},
            ],
        )
        greedy = greedy_utilitarian_welfare(instance, profile, sat_class=satisfaction)
        for method, chosen in ((EQUAL_SHARES, equal_shares), (GREEDY, greedy)):
            winners = tuple(sorted(int(project.name) for project in chosen))
            results.append(_result(method, winners, options, ballots))
    else:
        results = [_result(m, (), options, ballots) for m in (EQUAL_SHARES, GREEDY)]
    return BallotCount(len(ballots), support, tuple(results))


def _result(
    method: str,
    winners: tuple[int, ...],
    options: list[BallotOption],
    ballots: list[tuple[dict[int, int], str]],
) -> CountResult:
    cost_of = {option.id: Decimal(option.cost) for option in options}
    chosen = set(winners)
    groups: dict[str, list[dict[int, int]]] = {}
    for points, group in ballots:
        groups.setdefault(group or "Not named", []).append(points)
    outcomes = []
    for group, members in sorted(groups.items()):
        with_winner = sum(1 for points in members if chosen & set(points))
        backed = sum(float(cost_of[o]) for points in members for o in points if o in chosen)
        outcomes.append(GroupOutcome(group, len(members), with_winner, backed / len(members)))
    return CountResult(
        method, winners, sum((cost_of[w] for w in winners), Decimal(0)), tuple(outcomes)
    )
