"""English and Simplified Chinese strings for names, actions, sheets and exports.

Every keyed text the owner reads about segments is English in :data:`ENGLISH` and
translated by the gettext catalogue (:mod:`segmenter.catalog`), so a run is entirely in
one language. The language is an option (``en``/``zh``); ``auto``
picks Chinese when most of the sheet's headers are Chinese, English otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from segmenter.catalog import msg, ptr
from segmenter.errors import SegmenterError

LANGUAGES = ("en", "zh")


def has_cjk(text: str) -> bool:
    """True when ``text`` holds at least one CJK ideograph (Chinese characters)."""
    return any("CJK" in unicodedata.name(ch, "") for ch in str(text))


def detect_language(headers: Iterable[Any]) -> str:
    """``zh`` when more than half of the non-blank headers contain Chinese characters."""
    texts = [str(h).strip() for h in headers if h is not None and str(h).strip()]
    if not texts:
        return "en"
    zh = sum(has_cjk(t) for t in texts)
    return "zh" if zh * 2 > len(texts) else "en"


def resolve_language(option: str | None, headers: Iterable[Any] = ()) -> str:
    """The language of a run: the option when it is ``en``/``zh``, else detected."""
    opt = (option or "auto").strip().lower()
    if opt in LANGUAGES:
        return opt
    if opt != "auto":
        raise SegmenterError(msg("{name}={value!r} is not valid; use one of: {values}", name="language",
                                 value=option, values="auto, en, zh"))
    return detect_language(headers)


_ONE_UNIT = re.compile(r"(?<![\d.,])1 (day|week|month|year)s\b")


def t(key: str, language: str, **kw: Any) -> str:
    """The string ``key`` in ``language``, formatted with ``kw``.

    English units after the number 1 are singular ("1 month", not "1 months"); the
    catalogue's strings put the number in a placeholder, so this is decided here.
    """
    text = ptr(key, ENGLISH[key], language, **kw)
    return _ONE_UNIT.sub(r"1 \1", text) if "1 " in text and language != "zh" else text


# The English of each key; its translations are in the gettext catalogue (segmenter.catalog),
# with the key as context so one English word may have two translations.
ENGLISH: dict[str, str] = {
    # sheet titles and headers
    "sheet.campaigns": "Campaigns",
    "sheet.moves": "Segment Moves",
    "title.campaigns": "Campaigns: one recommended action per segment",
    "title.moves": "Who moved between segments since the previous run",
    "title.matrix": "From (rows, previous run) → to (columns, this run): number of customers",
    "title.matching": "How this run's segments match the previous run's",
    "title.actions": "Recommended actions",
    "title.rules": "Simple rules that mimic the segments",
    "title.small": "Small data",
    "col.segment": "Segment",
    "col.name": "Name",
    "col.size": "Size",
    "col.share": "Share",
    "col.action": "Recommended action",
    "col.message": "Example message",
    "col.rule": "Why this action (rule on the profile)",
    "col.name_rule": "Why this name (rule on the profile)",
    "col.apart": "What sets it apart",
    "col.why": "Why in this segment",
    "col.customer": "Customer",
    "col.previous": "Previous segment",
    "col.new": "New segment",
    "col.status": "Status",
    "col.distance": "Centre distance",
    "col.if": "Rule",
    "col.then": "Segment",
    "col.customers": "Customers",
    "col.correct": "Rule right for",
    "col.id": "ID",
    "col.person": "Name",
    "col.email": "Email",
    "col.segment_name": "Segment name",
    "row.new_customers": "(new customer)",
    "row.gone_customers": "(not in this data)",
    "status.kept": "same segment as before",
    "status.renamed": "same segment as before (your name kept)",
    "status.new": "new segment",
    "status.gone": "no longer found",
    "status.assigned": "assigned to the saved segments",
    # names
    "name.champions": "Champions",
    "name.at_risk": "High value at risk",
    "name.dormant": "Dormant",
    "name.new": "New",
    "name.loyal": "Loyal",
    "name.big_spenders": "Big spenders",
    "name.occasional": "Occasional",
    "name.low_spend": "Low spenders",
    "name.active": "Active",
    "name.regulars": "Regulars",
    "name.typical": "Typical customers",
    "name.unassigned": "Unassigned",
    "name.sep": ": ",
    "name.join": ", ",
    "name.no_order": "no order in {days}+ days",
    "name.first_order": "first order in the last {days} days",
    "name.median_since": "median {days} days since the last order",
    "name.no_order.weeks": "no order in {days}+ weeks",
    "name.no_order.months": "no order in {days}+ months",
    "name.no_order.years": "no order in {days}+ years",
    "name.first_order.weeks": "first order in the last {days} weeks",
    "name.first_order.months": "first order in the last {days} months",
    "name.first_order.years": "first order in the last {days} years",
    "name.median_since.weeks": "median {days} weeks since the last order",
    "name.median_since.months": "median {days} months since the last order",
    "name.median_since.years": "median {days} years since the last order",
    "name.variant": "{stem} ({detail})",
    "q.frequency.high": "frequent",
    "q.frequency.low": "infrequent",
    "q.recency.low": "recent",
    "q.recency.high": "lapsed",
    "q.monetary.high": "high spend",
    "q.monetary.low": "low spend",
    "q.aov.high": "big baskets",
    "q.aov.low": "small baskets",
    "q.tenure.high": "long-standing",
    "q.tenure.low": "newer",
    "q.age.high": "older",
    "q.age.low": "younger",
    "q.feature.high": "high {feature}",
    "q.feature.low": "low {feature}",
    "q.feature.high_first": "High {feature}",
    "q.feature.low_first": "Low {feature}",
    # actions
    "action.outreach": "Personal outreach: call or write personally before they are gone",
    "action.winback": "Win-back offer: a time-limited discount to come back",
    "action.first_purchase": "First-purchase offer: a welcome discount or free shipping",
    "msg.first_purchase": "Hi {{name}}, welcome! Here is 10% off your first order, "
                          "valid for 14 days.",
    "name.never_bought": "Never bought: signed up, no order yet",
    "reason.never_bought": "{share} of members have no order at all (orders, spend and "
                           "last order blank)",
    "action.onboarding": "Onboarding: welcome series, how-to and a second-order incentive",
    "action.loyalty": "New products and loyalty rewards: early access, points, VIP perks",
    "action.reminder": "Repurchase reminder: nudge them when they usually run out",
    "action.newsletter": "Keep in touch: the regular newsletter with bestsellers",
    "action.review": "Review this segment by hand: no order, recency or spend column found",
    "action.tiny": " (only {n} customers: contact them one by one)",
    "msg.outreach": "Hi {{name}}, we have missed you! As one of our best customers, we would "
                    "love to hear how we can help. Reply to this email and I will answer "
                    "personally.",
    "msg.winback": "Hi {{name}}, it has been a while. Here is 15% off your next order, "
                   "valid for 14 days.",
    "msg.onboarding": "Welcome, {{name}}! Here is how to get the most from your first "
                      "purchase, and 10% off your second order.",
    "msg.loyalty": "Hi {{name}}, thank you for being a regular. You get early access to "
                   "our new arrivals this week.",
    "msg.reminder": "Hi {{name}}, time to restock? Your favourites are waiting for you.",
    "msg.newsletter": "Hi {{name}}, here is what is new and popular this month.",
    "msg.review": "(write a message once you have looked at this segment)",
    # explanations
    "apart.recency": "last order {value} days ago (average {average})",
    "apart.ratio": "{feature} {ratio}× the average ({value} vs {average})",
    "apart.spend_ratio": "spends {ratio}× the average ({value} vs {average})",
    "apart.orders_ratio": "orders {ratio}× as often as average ({value} vs {average})",
    "apart.above": "{feature} above average ({value} vs {average})",
    "apart.below": "{feature} below average ({value} vs {average})",
    "apart.yesno": "{feature}: {value} yes (average {average})",
    "apart.none": "close to the average on every feature",
    "apart.days": "{feature}: {value} days ago (average {average})",
    "unit.days_ago": " days ago",
    "why.pull": "{feature} {value} (segment average {centre})",
    "why.cat": "{feature} {value} (in this segment: {centre})",
    "why.none": "near the segment centre on every feature",
    "why.sep": "; ",
    "rule.and": " and ",
    "rule.le": "{feature} ≤ {value}",
    "rule.gt": "{feature} > {value}",
    "rule.ge": "{feature} ≥ {value}",
    "rule.all": "(everyone)",
    "rules.share": "These rules give the right segment for {share} of customers.",
    "rules.low": "These rules give the right segment for only {share} of customers: the "
                 "segments depend on several features at once, so read the rules as a "
                 "rough guide only.",
    "rules.few": "Too few customers for rules that mean anything.",
    "rules.sample": "The rules were found on a fixed-seed sample of {m} of {n} customers "
                    "(seed {seed}); the shares are counted on all customers.",
    # reasons (the rule behind a name or an action, with the numbers)
    "unit.days": " days",
    "unit.weeks": " weeks",
    "unit.months": " months",
    "unit.years": " years",
    "claim.ge": "{feature} ≥ {value} for {share} of them (median customer: {overall})",
    "claim.le": "{feature} ≤ {value} for {share} of them (median customer: {overall})",
    "claim.median": "median {feature} {value} (median customer: {overall})",
    "reason.same": "no feature sets them apart: on every feature fewer than 9 in 10 of them "
                   "are on the same side of the median customer",
    "reason.unassigned": "DBSCAN noise: customers far from every dense group",
    "reason.no_roles": "no recency, frequency or spend feature recognised",
    "reason.unassigned_action": "customers far from every segment",
    # small data
    "warn.few_customers": "Only {n} customers: segments from fewer than about {limit} "
                          "customers are fragile, treat them as a first look",
    "warn.tiny_segment": "Segment {segment} ({name}) has only {n} customer(s): too few to "
                         "describe a group; its name and action describe those customers only, "
                         "consider fewer segments",
    "warn.no_roles": "No order, recency or spend column was recognised, so names come from "
                     "the most distinctive features and actions are left for you to choose",
    # Predictions sheet (en)
    "pred.title": "Predictions: who is still a customer, how often they will buy and what they are worth in the next {days} days",
    "pred.refused": "No predictions: {reason}.",
    "pred.note": "Repeat orders and P(active): BG/NBD (Fader, Hardie & Lee 2005); value per order: Gamma-Gamma; predicted value = expected orders × expected order value, discounted {rate} a month. Churn risk: high when P(active) < 30%, medium below 70%, low from 70%; unknown for customers with a single order (the model cannot tell).",
    "pred.title.model": "The models' parameters (fitted on all orders up to the snapshot date)",
    "pred.title.segments": "Per segment: mean P(active), expected orders and predicted value",
    "pred.title.distribution": "P(active) of repeat buyers, in bands of 10%; customers with a single order apart",
    "pred.title.customers": "Every customer",
    "pred.title.check": "Check on your own data: fitted on the orders up to {start}, compared with the repeat order days after it (to {end})",
    "pred.title.check_model": "Parameters of the check's fit (orders up to the calibration end)",
    "pred.title.check_table": "Repeat order days after the calibration end per customer, by repeat orders before it (0, 1, …, 7+)",
    "pred.col.parameter": "Parameter",
    "pred.col.value": "Value",
    "pred.col.meaning": "Meaning",
    "pred.time_unit": "Time unit",
    "pred.unit.weeks": "weeks",
    "pred.unit.days": "days",
    "pred.param.r": "shape of the buying rate across customers (BG/NBD)",
    "pred.param.alpha": "scale of the buying rate, in {unit} (BG/NBD)",
    "pred.param.a": "chance to stop buying after an order: Beta(a, b) across customers",
    "pred.param.b": "with a: mean chance to stop after an order = a / (a + b)",
    "pred.param.p": "shape of the value of one order (Gamma-Gamma)",
    "pred.param.q": "shape of the customers' mean order values (Gamma-Gamma)",
    "pred.param.gamma": "scale of the customers' mean order values (Gamma-Gamma)",
    "pred.param.time_unit": "time in the buying rate is measured in {unit}",
    "pred.fact.customers": "Customers",
    "pred.fact.repeat_buyers": "Repeat buyers (more than one order day)",
    "pred.fact.loglik": "Log-likelihood (BG/NBD)",
    "pred.fact.value_customers": "Repeat buyers in the order value model",
    "pred.fact.loglik_gg": "Log-likelihood (Gamma-Gamma)",
    "pred.fact.correlation": "Correlation of order value and number of orders (should be near 0)",
    "pred.fact.horizon": "Horizon (days)",
    "pred.fact.discount": "Discount rate a month",
    "pred.col.customers": "Customers",
    "pred.col.customer": "Customer ID",
    "pred.col.p_alive_mean": "Mean P(active) of repeat buyers",
    "pred.col.expected_orders_total": "Expected orders",
    "pred.col.expected_orders_mean": "Expected orders per customer",
    "pred.col.clv_total": "Predicted value",
    "pred.col.clv_mean": "Predicted value per customer",
    "pred.col.high_risk": "High churn risk",
    "pred.col.p_alive": "P(active)",
    "pred.col.expected_orders": "Expected orders",
    "pred.col.order_value": "Expected order value",
    "pred.col.clv": "Predicted value",
    "pred.col.risk": "Churn risk",
    "pred.col.actual_mean": "Actual (mean)",
    "pred.col.predicted_mean": "Predicted (mean)",
    "pred.col.actual_total": "Actual (total)",
    "pred.col.predicted_total": "Predicted (total)",
    "pred.risk.high": "high",
    "pred.risk.medium": "medium",
    "pred.risk.low": "low",
    "pred.risk.unknown": "unknown (one order)",
    "pred.one_order": "One order only",
    "pred.chart.distribution": "How likely each customer is still active: P(active)",
    "pred.chart.check": "Repeat orders after the calibration end: predicted against actual",
    "pred.chart.check_x": "Repeat orders before the calibration end",
    "pred.chart.check_y": "Repeat order days per customer",
    "pred.check.refused": "No check: {reason}.",
    "pred.check.calibration_end": "Calibration end",
    "pred.check.holdout_end": "Holdout end",
    "pred.check.holdout_days": "Holdout days",
    "pred.check.customers": "Customers",
    "pred.check.actual": "Actual repeat order days",
    "pred.check.predicted": "Predicted repeat order days",
    "pred.check.mae": "Mean absolute error per customer",
    "pred.check.correlation": "Correlation, predicted with actual",
}
