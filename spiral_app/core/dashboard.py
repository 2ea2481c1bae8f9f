"""The territory dashboard: criteria per family, group and component in a cycle, with coding coverage."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, select

from spiral_app.core import results
from spiral_app.core.models import CodingStatus, Question
from spiral_app.core.results import ResultFilter

TOP_COMPONENTS = 10
QUOTES_PER_COMPONENT = 3
HEATMAP_COMPONENTS = 30


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard page draws, computed for one territory, cycle and set of filters."""

    filters: ResultFilter
    cycle_number: int
    threshold: int
    coverage: pd.DataFrame  # status, status_label, criteria, share, counts_in_charts
    families: pd.DataFrame  # question, question_label, family, family_label, family_name, criteria, share
    group_families: pd.DataFrame  # group, family, family_label, family_name, criteria, share
    components: pd.DataFrame  # group, code, family, component_label, criteria, share
    top_illbeing: pd.DataFrame  # component, family, groups, criteria, quotes
    hidden: tuple[str, ...]
    withheld: int  # criteria left out because a filter would single out a small group
    raised_components: int  # components raised by the visible groups, of which the heatmap shows the first

    @property
    def total(self) -> int:
        """Criteria matching the filters, whatever their coding."""
        return int(self.coverage["criteria"].sum())

    @property
    def counted(self) -> int:
        """Criteria that count in the family breakdowns."""
        return int(self.families["criteria"].sum())

    @property
    def what(self) -> str:
        return results.describe_counted(confirmed_only=self.filters.confirmed_only)

    def metrics(self) -> list[tuple[str, str]]:
        """Return the headline figures as (label, value) pairs."""
        coded = self.coverage.loc[self.coverage["status"] != CodingStatus.UNCODED.value, "criteria"].sum()
        return [
            ("Criteria", str(self.total)),
            ("Counted in the charts", str(self.counted)),
            ("Groups shown", str(self.group_families["group"].nunique())),
            ("Coded", f"{coded / self.total:.0%}" if self.total else "–"),
        ]

    def illbeing_table(self) -> pd.DataFrame:
        """Return the most raised ill-being components with readable column names."""
        return self.top_illbeing.rename(
            columns={"component": "Component", "family": "Family", "groups": "Groups", "criteria": "Criteria",
                     "quotes": "Quotes (group)"}
        )  # fmt: skip

    def empty_message(self) -> str | None:
        """Return why there is nothing to chart, or None when there is."""
        if self.total == 0 and self.withheld:
            return (
                f"The criteria matching these filters all come from groups with fewer than {self.threshold} "
                "participants, which are never shown on their own. Widen the filters to see the territory."
            )
        if self.total == 0:
            return (
                f"No criteria yet in cycle {self.cycle_number} for these filters: enter the post-its of a meeting, "
                "or widen the filters."
            )
        if self.counted:
            return None
        suggested = int(self.coverage.loc[self.coverage["status"] == CodingStatus.SUGGESTED.value, "criteria"].sum())
        if self.filters.confirmed_only and suggested:
            return (
                f"Nothing confirmed yet: {suggested} criteria have a suggested component waiting for a facilitator "
                "to confirm it. Confirm them when coding, or turn off “Confirmed only” to see the suggestions."
            )
        return f"None of the {self.total} criteria has a component yet: code them first (see coding coverage below)."

    def groups_empty_message(self) -> str:
        """Return why no group has a breakdown of its own."""
        return (
            f"No group with at least {self.threshold} participants has {self.what} criteria here, "
            "so there is no per-group breakdown to show."
        )

    def note(self) -> str | None:
        """Return the small-group protection note, or None when no group is hidden."""
        return results.protection_note(list(self.hidden), self.threshold, narrowed=self.filters.is_narrowed)

    def caption_families(self, *, shares: bool) -> str:
        measure = (
            f"Share of each question's {self.what} criteria in each family (each question adds up to 100%)"
            if shares
            else f"Number of {self.what} criteria in each family, for each question"
        )
        return f"{measure}. {self._scope()}; {self.counted} criteria counted."

    def caption_radar(self) -> str:
        groups = self.group_families["group"].nunique()
        return (
            f"Share of each group's {self.what} criteria in each family (each group adds up to 100%); "
            f"one trace per group, {groups} group(s). {self._scope()}."
        )

    def caption_heatmap(self) -> str:
        shown = self.components["code"].nunique()
        raised = int(self.raised_components)
        return (
            f"Share of each group's {self.what} criteria coded to each component (one column per group); "
            f"the {shown} components most raised are shown ({raised} raised in all). {self._scope()}."
        )

    def caption_illbeing(self) -> str:
        return (
            f"The {len(self.top_illbeing)} components most raised as ill-being, counting {self.what} ill-being "
            "criteria whatever the question filter: how many groups raised each, how many criteria, and up to "
            f"{QUOTES_PER_COMPONENT} quotes from different groups."
        )

    def caption_coverage(self) -> str:
        return (
            f"All {self.total} criteria matching the filters, by coding status. Only {self.what} criteria with a "
            "component count in the charts; unclassifiable and uncoded ones are left out of the families."
        )

    def _scope(self) -> str:
        questions = ", ".join(results.question_label(q) for q in self.filters.questions)
        groups = f"{len(self.filters.group_ids)} selected group(s)" if self.filters.group_ids else "all groups"
        languages = f"; languages: {', '.join(self.filters.languages)}" if self.filters.languages else ""
        return f"Cycle {self.cycle_number}, {questions}, {groups}{languages}"


def build_dashboard(*, session: Session, filters: ResultFilter, threshold: int) -> Dashboard:
    """Return the dashboard's frames for *filters*, with small groups' breakdowns hidden."""
    sizes = results.group_sizes(
        session=session, territory_id=filters.territory_id, cycle_id=filters.cycle_id, threshold=threshold
    )
    visible = sizes.loc[~sizes["protected"], ["group_id", "group"]]
    counts = results.criteria_counts(session=session, filters=filters, all_questions=True)
    withheld = 0
    if filters.is_narrowed:
        # A filtered total could be one small group's own breakdown: leave small groups out entirely.
        kept = counts["group_id"].isin(visible["group_id"])
        withheld = int(counts.loc[~kept & counts["question"].isin(filters.questions), "criteria"].sum())
        counts = counts.loc[kept]
    families, components = results.codebook_labels(session=session)
    selected = counts.loc[counts["question"].isin(filters.questions)]
    counted = results.with_families(selected, families)
    by_group = counted.merge(visible, on="group_id")
    by_question = results.family_shares(
        counted, families, by="question", keys=[q for q in filters.questions if q in set(counted["question"])]
    )
    by_question.insert(1, "question_label", by_question["question"].map(results.question_label))
    group_keys = [g for g in visible["group"] if g in set(by_group["group"])]
    return Dashboard(
        filters=filters,
        cycle_number=results.cycle_number(session=session, cycle_id=filters.cycle_id),
        threshold=threshold,
        coverage=_coverage(selected),
        families=by_question,
        group_families=results.family_shares(by_group, families, by="group", keys=list(group_keys)),
        components=_components(by_group, components, group_keys),
        top_illbeing=_top_illbeing(session, filters, counts, families, components, visible),
        hidden=tuple(results.hidden_groups(sizes)),
        withheld=withheld,
        raised_components=int(by_group["code"].nunique()),
    )


def _coverage(selected: pd.DataFrame) -> pd.DataFrame:
    statuses = list(results.STATUS_LABELS)
    totals = selected.groupby("status")["criteria"].sum().reindex(statuses, fill_value=0)
    counting = selected.loc[selected["code"].notna()].groupby("status")["criteria"].sum()
    frame = pd.DataFrame({"status": statuses, "criteria": totals.to_numpy(dtype="int64")})
    frame["status_label"] = frame["status"].map(results.STATUS_LABELS)
    total = int(frame["criteria"].sum())
    frame["share"] = frame["criteria"] / total if total else 0.0
    frame["counts_in_charts"] = frame["status"].map(counting).fillna(0).astype("int64")
    return frame[["status", "status_label", "criteria", "share", "counts_in_charts"]]


def _components(by_group: pd.DataFrame, components: pd.DataFrame, group_keys: list[str]) -> pd.DataFrame:
    frame = by_group.groupby(["group", "code", "family"], as_index=False)["criteria"].sum()
    frame["share"] = frame["criteria"] / frame.groupby("group")["criteria"].transform("sum")
    # Shares are of all the group's criteria; only the most raised components get a column, so cells stay readable.
    raised = frame.groupby("code")["criteria"].sum().sort_values(ascending=False, kind="stable")
    frame = frame.loc[frame["code"].isin(raised.index[:HEATMAP_COMPONENTS])]
    frame = frame.merge(components[["code", "component_label"]], on="code", how="left")
    frame["component_label"] = frame["component_label"].fillna(frame["code"])
    order = {name: position for position, name in enumerate(group_keys)}
    frame = frame.sort_values(["group", "code"], key=lambda c: c.map(order) if c.name == "group" else c)
    result: pd.DataFrame = frame[["group", "code", "family", "component_label", "criteria", "share"]]
    return result.reset_index(drop=True)


def _top_illbeing(
    session: Session,
    filters: ResultFilter,
    counts: pd.DataFrame,
    families: pd.DataFrame,
    components: pd.DataFrame,
    visible: pd.DataFrame,
) -> pd.DataFrame:
    columns = ["component", "family", "groups", "criteria", "quotes"]
    ill = results.with_families(counts.loc[counts["question"] == Question.ILLBEING.value], families)
    if ill.empty:
        return pd.DataFrame(columns=columns)
    top = ill.groupby(["code", "family_label"], as_index=False).agg(
        criteria=("criteria", "sum"), groups=("group_id", "nunique")
    )
    top = top.sort_values(["groups", "criteria", "code"], ascending=[False, False, True]).head(TOP_COMPONENTS)
    top = top.merge(components[["code", "component_label"]], on="code", how="left")
    top["component"] = top["code"] + " " + top["component_label"].fillna("")
    top["family"] = top["code"].str[0] + " · " + top["family_label"]
    quotes = _quotes(session, filters, list(top["code"]), visible)
    top["quotes"] = quotes.reindex(top["code"], fill_value="").to_numpy()
    return top[columns].reset_index(drop=True)


def _quotes(session: Session, filters: ResultFilter, codes: list[str], visible: pd.DataFrame) -> pd.Series:
    """Return, per code, up to three ill-being quotes from different groups, each followed by its group."""
    ill_only = dataclasses.replace(filters, questions=(Question.ILLBEING.value,))
    criteria = results.criteria_subquery(ill_only)
    visible_ids: list[uuid.UUID] = list(visible["group_id"])
    statement = (
        select(criteria.c.code, criteria.c.group_id, criteria.c.text)
        .where(criteria.c.code.in_(codes), criteria.c.group_id.in_(visible_ids))
        .order_by(criteria.c.code, criteria.c.date, criteria.c.position, criteria.c.id)
    )
    frame = pd.DataFrame(session.execute(statement).all(), columns=["code", "group_id", "text"])
    if frame.empty:
        return pd.Series(dtype="str")
    frame = frame.merge(visible, on="group_id")
    # The groups that raised a component most often speak first; each group's first post-it stands for it.
    frame["raised"] = frame.groupby(["code", "group_id"])["text"].transform("size")
    frame = frame.drop_duplicates(["code", "group_id"]).sort_values(
        ["code", "raised", "group"], ascending=[True, False, True]
    )
    frame = frame.groupby("code").head(QUOTES_PER_COMPONENT)
    frame["quote"] = "“" + frame["text"].astype(str) + "” (" + frame["group"].astype(str) + ")"
    joined: pd.Series = frame.groupby("code")["quote"].agg(" / ".join)
    return joined
