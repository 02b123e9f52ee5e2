"""The five counterfactuals of issue 11, each set against the history run of ``nep-1923-1930``.

Each counterfactual is the scenario's historical policy (``[history]``) with one change; all are
played over the same seeds on the batch engine, every game to the scenario's last season (the first
ending reached counts):

* ``no-measures-1928``: no emergency measures in 1928 (``emergency_measures`` 0 from winter to
  autumn 1928; the suppression of private trade and everything else as history);
* ``price-1926-kept``: the grain price of 1925-26 (150) kept, not cut to 120 in summer 1926: the
  procurement price never below 150 from then on;
* ``goods-1926-27``: more consumer goods for the village in 1926-27 (``goods_to_village`` 0.15
  higher, summer 1926 to spring 1927);
* ``coop-credit``: earmarked co-op credit over years: from spring 1925 on, credit earmarked for the
  poor and middle peasants, at least 100, with a rate advantage of at least 2;
* ``fast-investment``: faster investment: ``industrial_investment`` 40 higher from summer 1926 on.

For each the script prints, averaged over the seeds: state procurement per campaign (July-June,
1926-27 to 1928-29, Mt), the towns' bread in 1928-29 (share of need, and the leanest season),
industry (output at the end of 1928-29 and of the game, 1926 = 100), trust (the
alliance and the middle peasants' trust at the end of 1928-29) and the endings; then, for each
counterfactual, the sources' claim with its citation and whether the rules bear it out.

    .venv/bin/python scripts/counterfactuals.py [--seeds N]
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from game.engine import Model  # noqa: E402
from game.engine.batch import play_batch  # noqa: E402
from game.impact import plans  # noqa: E402
from game.rules.scenario import Scenario, load_scenario  # noqa: E402
from scripts.endings import on_step  # noqa: E402

RULES = ROOT / "rules"
SCENARIO = "nep-1923-1930"
SEEDS = 200
CAMPAIGNS = ("1926-27", "1927-28", "1928-29")
RECORD = ("grain_procured", "bread_supply", "industrial_output", "alliance", "middle_peasant_trust",
          "poor_peasant_trust", "goods_famine", "coop_membership", "harvest", "private_grain_price")
WIDTH = 80  # the report fits a terminal of 80 columns
Plan = tuple[Mapping[str, float], ...]


# --- the counterfactuals ------------------------------------------------------------------------


@dataclass(frozen=True)
class Counterfactual:
    """One change to the historical policy: the levers ``change`` sets in each season it names."""

    name: str
    title: str
    change: Callable[[str, dict[str, float]], None]  # (season, that season's levers) -> edits them


def _from(first: str, last: str | None = None) -> Callable[[str], bool]:
    def within(season: str) -> bool:
        return _order(season) >= _order(first) and (last is None or _order(season) <= _order(last))
    return within


def _order(season: str) -> int:
    year, name = season.split("-")
    return int(year) * 4 + ("winter", "spring", "summer", "autumn").index(name)


def _no_measures(season: str, levers: dict[str, float]) -> None:
    if _from("1928-winter", "1928-autumn")(season):
        levers["emergency_measures"] = 0


def _price_kept(season: str, levers: dict[str, float]) -> None:
    if _from("1926-summer")(season):
        levers["procurement_price"] = max(levers["procurement_price"], 150)


def _more_goods(season: str, levers: dict[str, float]) -> None:
    if _from("1926-summer", "1927-spring")(season):
        levers["goods_to_village"] += 0.15


def _coop_credit(season: str, levers: dict[str, float]) -> None:
    if _from("1925-spring")(season):
        levers["coop_credit_earmarked"] = 1
        levers["coop_credit"] = max(levers["coop_credit"], 100)
        levers["coop_credit_advantage"] = max(levers["coop_credit_advantage"], 2)


def _fast_investment(season: str, levers: dict[str, float]) -> None:
    if _from("1926-summer")(season):
        levers["industrial_investment"] += 40


COUNTERFACTUALS = (
    Counterfactual("no-measures-1928", "no emergency measures in 1928", _no_measures),
    Counterfactual("price-1926-kept", "the 1925-26 grain price (150) kept from 1926", _price_kept),
    Counterfactual("goods-1926-27", "more goods to the village in 1926-27 (+0.15)", _more_goods),
    Counterfactual("coop-credit", "earmarked co-op credit from 1925 (>= 100)", _coop_credit),
    Counterfactual("fast-investment", "faster investment from 1926 (+40)", _fast_investment),
)


def counterfactual_plan(scenario: Scenario, counterfactual: Counterfactual) -> Plan:
    """The historical policy with ``counterfactual``'s change, each value it changes put on its
    lever's grid (the others stay exactly history's)."""
    assert scenario.history is not None
    out = []
    for season, levers in zip(scenario.season_names(), scenario.history, strict=True):
        turn = dict(levers)
        counterfactual.change(season, turn)
        out.append({name: value if value == levers[name] else on_step(scenario, name, value) for name, value in turn.items()})
    return tuple(out)


# --- playing and measuring ----------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """What one policy gives, averaged over the seeds."""

    policy: str
    seeds: int
    procured: dict[str, float]  # campaign -> Mt procured, July-June
    procured_jul_dec_1927: float  # the autumn the crisis broke (summer + autumn 1927), Mt
    bread: float                # towns' bread in 1928-29, share of need (1 = all)
    bread_lean: float           # its leanest season in 1928-29
    output_1929: float          # industrial output, summer 1929 (end of 1928-29)
    output_end: float           # industrial output after the last season
    alliance_1929: float        # the alliance, spring 1929
    middle_1929: float          # middle peasants' trust, spring 1929
    poor_1928: float            # poor peasants' trust, autumn 1928
    famine_1927: float          # goods famine, mean of 1927
    coop_1928: float            # co-op membership, autumn 1928
    coop_1926: float            # co-op membership, autumn 1926
    harvest_1929: float         # the 1929 harvest, Mt
    gap_1927: float             # free grain price / state price, autumn 1927
    endings: Counter[str | None]


def play(scenario: Scenario, model: Model, named: Mapping[str, Plan], seeds: Sequence[int]) -> list[Figures]:
    """Each plan over ``seeds``, every game to the last season; its figures."""
    tables = plans(scenario, named, model)
    seeds = list(seeds)
    table = np.array([tables[name] for name in named for _ in seeds], dtype=np.float64)
    result = play_batch(model, seeds * len(named), table, record=RECORD, stop_at_ending=False)
    at = {season: turn for turn, season in enumerate(scenario.season_names())}
    out = []
    for k, name in enumerate(named):
        cols = slice(k * len(seeds), (k + 1) * len(seeds))
        series = {var: result.series[1:, i, cols] for i, var in enumerate(RECORD)}  # (seasons, seeds)
        price_1927 = named[name][at["1927-autumn"]]["procurement_price"]
        out.append(measure(name, series, at, price_1927, Counter(result.endings[cols])))
    return out


def measure(name: str, series: Mapping[str, np.ndarray], at: Mapping[str, int], price_1927: float,
            endings: Counter[str | None]) -> Figures:
    """The figures of one policy from its ``series`` (variable -> (seasons, seeds) values after
    each season; ``at`` gives a season's row)."""

    def mean(var: str, season: str) -> float:
        return float(np.mean(series[var][at[season]]))

    def campaign(var: str, label: str) -> np.ndarray:
        first = int(label[:4])
        return series[var][[at[s] for s in (f"{first}-summer", f"{first}-autumn", f"{first + 1}-winter", f"{first + 1}-spring")]]

    bread = campaign("bread_supply", "1928-29")
    return Figures(
        policy=name,
        seeds=series["alliance"].shape[1],
        procured={c: float(np.mean(np.sum(campaign("grain_procured", c), axis=0))) for c in CAMPAIGNS},
        procured_jul_dec_1927=mean("grain_procured", "1927-summer") + mean("grain_procured", "1927-autumn"),
        bread=float(np.mean(bread)),
        bread_lean=float(np.mean(np.min(bread, axis=0))),
        output_1929=mean("industrial_output", "1929-summer"),
        output_end=float(np.mean(series["industrial_output"][-1])),
        alliance_1929=mean("alliance", "1929-spring"),
        middle_1929=mean("middle_peasant_trust", "1929-spring"),
        poor_1928=mean("poor_peasant_trust", "1928-autumn"),
        famine_1927=float(np.mean(series["goods_famine"][[at[f"1927-{q}"] for q in ("winter", "spring", "summer", "autumn")]])),
        coop_1928=mean("coop_membership", "1928-autumn"),
        coop_1926=mean("coop_membership", "1926-autumn"),
        harvest_1929=mean("harvest", "1929-summer"),
        gap_1927=mean("private_grain_price", "1927-autumn") / price_1927,
        endings=endings,
    )


def compare(seeds: Sequence[int]) -> list[Figures]:
    """The history run and the five counterfactuals over ``seeds``."""
    scenario = load_scenario(SCENARIO, RULES)
    model = Model(scenario)
    assert scenario.history is not None
    named: dict[str, Plan] = {"history": scenario.history}
    for cf in COUNTERFACTUALS:
        named[cf.name] = counterfactual_plan(scenario, cf)
    return play(scenario, model, named, seeds)


# --- what the sources argue ---------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """What the sources argue a counterfactual does, as checks against the history run."""

    policy: str
    argument: str
    cite: str
    checks: tuple[tuple[str, Callable[[Figures, Figures], bool]], ...]  # (what, holds(cf, history))


CLAIMS = (
    Claim("no-measures-1928",
          "the measures got the grain of early 1928 (procurement fell as soon as they were eased), "
          "but they shook the peasants' confidence and cut the sown area, and 1928-29 procurement "
          "fell to 8.3 Mt all the same",
          "B In.IV 1283-1299; B 2.1.V 3648-3654, 3946-3951",
          (("less grain in 1927-28", lambda cf, h: cf.procured["1927-28"] < h.procured["1927-28"]),
           ("middle peasants trust more in 1929", lambda cf, h: cf.middle_1929 > h.middle_1929),
           ("the 1929 harvest no smaller", lambda cf, h: cf.harvest_1929 >= h.harvest_1929 - 0.05))),
    Claim("price-1926-kept",
          "cutting the firm grain price in 1926-27 sent grain to private buyers and was an immediate "
          "cause of the procurement crisis",
          "B 2.2.IV 4909-4954; B In.IV 1112-1123",
          (("more grain in Jul-Dec 1927", lambda cf, h: cf.procured_jul_dec_1927 > h.procured_jul_dec_1927),
           ("a narrower free/state price gap", lambda cf, h: cf.gap_1927 < h.gap_1927),
           ("poor peasants trust more", lambda cf, h: cf.poor_1928 > h.poor_1928))),
    Claim("goods-1926-27",
          "with manufactures to buy, the peasants would have sold their grain: the goods famine drove "
          "the holding back of 1927",
          "B 2.2.III 4821-4832; B 2.2.IV 4924-4929",
          (("a smaller goods famine in 1927", lambda cf, h: cf.famine_1927 < h.famine_1927),
           ("more grain in 1926-27", lambda cf, h: cf.procured["1926-27"] > h.procured["1926-27"]))),
    Claim("coop-credit",
          "credit that reaches the poor and middle peasants builds co-operation slowly, over years "
          "(Lenin's 'one or two decades'); as it was, credit went to the better-off",
          "L 96-101; B 2.1.IV 3535-3551",
          (("more co-op members by 1928", lambda cf, h: cf.coop_1928 > h.coop_1928),
           ("the gain grows with the years", lambda cf, h: cf.coop_1928 - h.coop_1928 > cf.coop_1926 - h.coop_1926),
           ("poor peasants trust more", lambda cf, h: cf.poor_1928 > h.poor_1928))),
    Claim("fast-investment",
          "faster investment raised money incomes ahead of goods, deepening the goods famine and the "
          "procurement difficulties, and gave more industry only years later",
          "B 3.1.III 6455-6462; B 3.1.I 6306-6309",
          (("a deeper goods famine in 1927", lambda cf, h: cf.famine_1927 > h.famine_1927),
           ("less grain in 1927-28", lambda cf, h: cf.procured["1927-28"] < h.procured["1927-28"]),
           ("more industrial output by the end", lambda cf, h: cf.output_end > h.output_end))),
)


def verdicts(figures: Sequence[Figures]) -> dict[str, list[tuple[str, bool]]]:
    """For each counterfactual, each of the sources' claims and whether the rules bear it out."""
    by_policy = {f.policy: f for f in figures}
    history = by_policy["history"]
    return {c.policy: [(what, bool(holds(by_policy[c.policy], history))) for what, holds in c.checks] for c in CLAIMS}


# --- the report ---------------------------------------------------------------------------------


def report(figures: Sequence[Figures]) -> str:
    seeds = figures[0].seeds
    lines = [f"{SCENARIO}: the state's policy and five counterfactuals, {seeds} seed(s) each",
             "industry: output, 1926 = 100; trust: the alliance and the middle peasants,",
             "spring 1929; bread: the towns' bread, share of need (mean and leanest season)",
             "",
             f"{'policy':<17}{'procured Mt, July-June':>23} {'bread 28-29':>12} {'industry':>10} {'trust, 1929':>12}",
             f"{'':<17}{'1926-27':>7} {'1927-28':>7} {'1928-29':>7} {'mean':>5} {'lean':>6} {'1929':>5} {'end':>4} {'allnc':>5} {'mid':>6}"]
    for f in figures:
        p = f.procured
        lines.append(f"{f.policy:<17}{p['1926-27']:>7.2f} {p['1927-28']:>7.2f} {p['1928-29']:>7.2f} "
                     f"{f.bread:>5.2f} {f.bread_lean:>6.2f} {f.output_1929:>5.0f} {f.output_end:>4.0f} "
                     f"{f.alliance_1929:>5.1f} {f.middle_1929:>6.1f}")
    lines.append("")
    lines.append(f"{'policy':<17}{'Jul-Dec':>7} {'famine':>6} {'free/':>5} {'poor':>5} {'co-op':>5} {'co-op':>5} {'harv.':>5}")
    lines.append(f"{'':<17}{'1927 Mt':>7} {'1927':>6} {'state':>5} {'1928':>5} {'1926':>5} {'1928':>5} {'1929':>5}")
    for f in figures:
        lines.append(f"{f.policy:<17}{f.procured_jul_dec_1927:>7.2f} {f.famine_1927:>6.0%} {f.gap_1927:>5.2f} "
                     f"{f.poor_1928:>5.1f} {f.coop_1926:>5.0%} {f.coop_1928:>5.0%} {f.harvest_1929:>5.1f}")
    lines.append("")
    for f in figures:
        lines += textwrap.wrap(f"endings, {f.policy}: " + ", ".join(f"{e or 'none'} {n}" for e, n in f.endings.most_common()),
                               WIDTH, subsequent_indent="    ")
    lines.append("")
    found = verdicts(figures)
    for claim in CLAIMS:
        title = next(cf.title for cf in COUNTERFACTUALS if cf.name == claim.policy)
        checks = found[claim.policy]
        held = sum(ok for _, ok in checks)
        word = "as the sources argue" if held == len(checks) else f"{held} of {len(checks)} as the sources argue"
        lines += textwrap.wrap(f"{claim.policy}: {title}: {word}.", WIDTH, subsequent_indent="    ")
        lines += textwrap.wrap(f"sources ({claim.cite}): {claim.argument}.", WIDTH, initial_indent="  ", subsequent_indent="    ")
        lines += textwrap.wrap("; ".join(f"{what}: {'yes' if ok else 'NO'}" for what, ok in checks), WIDTH,
                               initial_indent="  ", subsequent_indent="    ")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=SEEDS, help=f"seeds per policy (default {SEEDS})")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    began = time.perf_counter()
    print(report(compare(range(1, args.seeds + 1))))
    print(f"({time.perf_counter() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    from scripts import run_script

    sys.exit(run_script(main))
