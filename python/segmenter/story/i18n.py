"""English and Simplified Chinese strings for names, actions, sheets and exports.

Every text the owner reads about segments comes from :data:`STRINGS` so a run is
entirely in one language. The language is an option (``en``/``zh``); ``auto``
picks Chinese when most of the sheet's headers are Chinese, English otherwise.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

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
        raise SegmenterError(f"language={option!r} is not valid; use one of: auto, en, zh")
    return detect_language(headers)


def t(key: str, language: str, **kw: Any) -> str:
    """The string ``key`` in ``language``, formatted with ``kw``."""
    table = STRINGS["zh" if language == "zh" else "en"]
    return table[key].format(**kw)


# Each key has both languages; tests check the two tables have the same keys and fields.
STRINGS: dict[str, dict[str, str]] = {
    "en": {
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
        "q.tenure.low": "new",
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
    },
    "zh": {
        "sheet.campaigns": "营销活动",
        "sheet.moves": "客群变动",
        "title.campaigns": "营销活动：每个客群一条建议",
        "title.moves": "与上次相比，换了客群的客户",
        "title.matrix": "从（行，上次）→ 到（列，本次）：客户数",
        "title.matching": "本次客群与上次客群的对应",
        "title.actions": "建议行动",
        "title.rules": "近似划分客群的简单规则",
        "title.small": "数据量提示",
        "col.segment": "客群",
        "col.name": "名称",
        "col.size": "人数",
        "col.share": "占比",
        "col.action": "建议行动",
        "col.message": "示例文案",
        "col.rule": "建议依据（画像规则）",
        "col.name_rule": "命名依据（画像规则）",
        "col.apart": "主要特点",
        "col.why": "归入此客群的原因",
        "col.customer": "客户",
        "col.previous": "上次客群",
        "col.new": "本次客群",
        "col.status": "状态",
        "col.distance": "中心距离",
        "col.if": "规则",
        "col.then": "客群",
        "col.customers": "客户数",
        "col.correct": "规则正确率",
        "col.id": "编号",
        "col.person": "姓名",
        "col.email": "邮箱",
        "col.segment_name": "客群名称",
        "row.new_customers": "（新客户）",
        "row.gone_customers": "（本次数据中没有）",
        "status.kept": "与上次相同的客群",
        "status.renamed": "与上次相同的客群（保留您的命名）",
        "status.new": "新客群",
        "status.gone": "本次未出现",
        "status.assigned": "按保存的客群归类",
        "name.champions": "冠军客户",
        "name.at_risk": "流失风险高价值客户",
        "name.dormant": "沉睡客户",
        "name.new": "新客户",
        "name.loyal": "忠诚客户",
        "name.big_spenders": "高消费客户",
        "name.occasional": "偶尔购买客户",
        "name.low_spend": "低消费客户",
        "name.active": "活跃客户",
        "name.regulars": "普通客户",
        "name.typical": "典型客户",
        "name.unassigned": "未归类",
        "name.sep": "：",
        "name.join": "、",
        "name.no_order": "{days}天以上未下单",
        "name.first_order": "首单在近{days}天内",
        "name.median_since": "距上次下单中位数{days}天",
        "name.variant": "{stem}（{detail}）",
        "q.frequency.high": "购买频繁",
        "q.frequency.low": "购买较少",
        "q.recency.low": "近期购买",
        "q.recency.high": "久未购买",
        "q.monetary.high": "消费高",
        "q.monetary.low": "消费低",
        "q.aov.high": "客单价高",
        "q.aov.low": "客单价低",
        "q.tenure.high": "老客户",
        "q.tenure.low": "新近加入",
        "q.age.high": "年龄偏大",
        "q.age.low": "年龄偏小",
        "q.feature.high": "{feature}高",
        "q.feature.low": "{feature}低",
        "q.feature.high_first": "{feature}高",
        "q.feature.low_first": "{feature}低",
        "action.outreach": "一对一联系：在他们流失前亲自打电话或写信",
        "action.winback": "召回优惠：限时折扣吸引回购",
        "action.first_purchase": "首单优惠：新人券或包邮，促成第一次购买",
        "msg.first_purchase": "{{name}}您好，欢迎加入！首单立享 9 折，14 天内有效。",
        "name.never_bought": "未购买客户：已登记，尚未下单",
        "reason.never_bought": "{share}的成员从未下单（订单数、消费额和最近购买日期都为空）",
        "action.onboarding": "新客引导：欢迎系列、使用指南和第二单优惠",
        "action.loyalty": "新品与会员回馈：新品抢先购、积分、VIP 权益",
        "action.reminder": "复购提醒：在通常用完时提醒回购",
        "action.newsletter": "保持联系：定期推送畅销品资讯",
        "action.review": "请人工查看此客群：未找到订单、最近购买或消费列",
        "action.tiny": "（只有 {n} 位客户：逐一联系）",
        "msg.outreach": "{{name}}您好，好久不见！作为我们最重要的客户之一，我们很想知道如何能更好地"
                        "为您服务。直接回复此消息，我会亲自回复您。",
        "msg.winback": "{{name}}您好，好久不见。送您一张 85 折优惠券，14 天内有效。",
        "msg.onboarding": "欢迎您，{{name}}！这里是首单使用指南，第二单再享 9 折。",
        "msg.loyalty": "{{name}}您好，感谢您一直以来的支持。本周新品您可抢先购买。",
        "msg.reminder": "{{name}}您好，该补货了吗？您常买的商品在等您。",
        "msg.newsletter": "{{name}}您好，这是本月的新品和热销推荐。",
        "msg.review": "（查看此客群后再撰写文案）",
        "apart.recency": "最近一次购买在 {value} 天前（平均 {average}）",
        "apart.ratio": "{feature}是平均的 {ratio} 倍（{value}，平均 {average}）",
        "apart.spend_ratio": "消费是平均的 {ratio} 倍（{value}，平均 {average}）",
        "apart.orders_ratio": "购买次数是平均的 {ratio} 倍（{value}，平均 {average}）",
        "apart.above": "{feature}高于平均（{value}，平均 {average}）",
        "apart.below": "{feature}低于平均（{value}，平均 {average}）",
        "apart.yesno": "{feature}：{value} 为是（平均 {average}）",
        "apart.none": "各项都接近平均",
        "apart.days": "{feature}：{value} 天前（平均 {average}）",
        "unit.days_ago": " 天前",
        "why.pull": "{feature} {value}（客群平均 {centre}）",
        "why.cat": "{feature} {value}（此客群：{centre}）",
        "why.none": "各项都接近客群中心",
        "why.sep": "；",
        "rule.and": " 且 ",
        "rule.le": "{feature} ≤ {value}",
        "rule.gt": "{feature} > {value}",
        "rule.ge": "{feature} ≥ {value}",
        "rule.all": "（所有客户）",
        "rules.share": "这些规则对 {share} 的客户给出正确的客群。",
        "rules.low": "这些规则只对 {share} 的客户给出正确的客群：客群由多个特征共同决定，"
                     "规则仅供粗略参考。",
        "rules.few": "客户太少，规则没有意义。",
        "rules.sample": "规则是在固定种子（{seed}）抽取的 {m} 位客户（共 {n} 位）上得出的；"
                        "正确率按全部客户计算。",
        "unit.days": " 天",
        "claim.ge": "{share} 的成员 {feature} ≥ {value}（全体客户中位数：{overall}）",
        "claim.le": "{share} 的成员 {feature} ≤ {value}（全体客户中位数：{overall}）",
        "claim.median": "{feature}中位数 {value}（全体客户中位数：{overall}）",
        "reason.same": "没有突出的特征：每个特征上都不到九成成员位于全体客户中位数的同一侧",
        "reason.unassigned": "DBSCAN 噪声点：离所有密集客群都较远的客户",
        "reason.no_roles": "未识别出最近购买、购买次数或消费特征",
        "reason.unassigned_action": "离所有客群都较远的客户",
        "warn.few_customers": "只有 {n} 位客户：少于约 {limit} 位客户时客群不稳定，仅供初步参考",
        "warn.tiny_segment": "客群 {segment}（{name}）只有 {n} 位客户：人数太少，不足以代表一个群体；"
                             "其名称和建议只描述这几位客户，可考虑减少客群数",
        "warn.no_roles": "未识别出订单、最近购买或消费列，因此名称取自最突出的特征，行动建议留给您决定",
    },
}
