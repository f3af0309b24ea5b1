"""The review document's words in each language it is written in (zh-CN by default, or en):
headings, column names, the sentences around the figures. Grades, ticket kinds and statuses
take the workbook's words (campaigns/exports/labels.py), so both documents say the same."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from campaigns.exports.labels import DEFAULT_LANGUAGE, LANGUAGES
from survey.errors import UnknownExport

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "TEXTS", "check_language", "texts_for"]

TEXTS: Final[Mapping[str, Mapping[str, str]]] = {
    "title": {"zh-CN": "顾客满意度管理评审报告", "en": "Customer satisfaction: management review"},
    "subtitle": {
        "zh-CN": "ISO 9001 §9.3 管理评审输入：顾客满意度与纠正措施",
        "en": "ISO 9001 §9.3 management review input: customer satisfaction and corrective action",
    },
    "campaign": {"zh-CN": "调查活动", "en": "Campaign"},
    "survey": {"zh-CN": "调查表", "en": "Survey"},
    "previous": {"zh-CN": "上次调查", "en": "Previous campaign"},
    "none": {"zh-CN": "无", "en": "none"},
    "generated": {"zh-CN": "生成时间", "en": "Generated"},
    # the footer: before, between and after the page number and the page count
    "page_before": {"zh-CN": "第 ", "en": "page "},
    "page_middle": {"zh-CN": " 页，共 ", "en": " of "},
    "page_after": {"zh-CN": " 页", "en": ""},
    "contents": {"zh-CN": "目录", "en": "Contents"},
    "no_answers": {
        "zh-CN": "尚无回答：已发出 {invited} 份邀请，无人作答。",
        "en": "No answers yet: {invited} invitations sent, none answered.",
    },
    # 1. summary
    "summary": {"zh-CN": "1. 总体结果与目标", "en": "1. Summary against targets"},
    "figure": {"zh-CN": "指标", "en": "Figure"},
    "value": {"zh-CN": "本次", "en": "This campaign"},
    "interval": {"zh-CN": "95% 置信区间", "en": "95 % interval"},
    "n": {"zh-CN": "样本量", "en": "n"},
    "target": {"zh-CN": "目标", "en": "Target"},
    "met": {"zh-CN": "达标", "en": "Met"},
    "change": {"zh-CN": "变化（95% 区间）", "en": "Change (95 % interval)"},
    "significant": {"zh-CN": "显著", "en": "Significant"},
    "mean_score": {"zh-CN": "顾客平均得分", "en": "Mean customer score"},
    "weighted_score": {"zh-CN": "加权平均得分", "en": "Mean score, weighted"},
    "satisfaction_rate": {"zh-CN": "满意率（> 80 分）", "en": "Satisfaction rate (> 80)"},
    "loyalty": {"zh-CN": "忠诚度（> 90 / > 80）", "en": "Loyalty (> 90 / > 80)"},
    "favourable_weighted": {"zh-CN": "好评率（加权）", "en": "Favourable rate, weighted"},
    "top3_rate": {"zh-CN": "前三档比例", "en": "Top-3-box rate"},
    "top3_weighted": {"zh-CN": "前三档比例（加权）", "en": "Top-3-box rate, weighted"},
    "favourable_rate": {"zh-CN": "好评率（合并）", "en": "Favourable rate, pooled"},
    "driver_importance": {"zh-CN": "驱动因素重要性", "en": "Driver importance"},
    "cronbach_alpha": {"zh-CN": "Cronbach α", "en": "Cronbach's alpha"},
    "nps": {"zh-CN": "净推荐值 NPS", "en": "NPS"},
    "response_rate": {"zh-CN": "回复率", "en": "Response rate"},
    "grade_line": {"zh-CN": "平均得分等级：{grade}", "en": "Grade of the mean score: {grade}"},
    "counts_line": {
        "zh-CN": "评分顾客 {customers} 家，受访者 {respondents} 人，有效评分 {answers} 条，"
        "“无法回答” {unable} 条；邀请 {invited} 份，完成 {completed} 份。",
        "en": "{customers} customers scored, {respondents} respondents, {answers} scored answers, "
        "{unable} 'unable to comment'; {invited} invited, {completed} completed.",
    },
    "not_representative": {
        "zh-CN": "不具代表性：回复率 {rate} 低于目标 {target}，结论须谨慎使用。",
        "en": "Not representative: the response rate {rate} is below its target {target}; "
        "read every figure with care.",
    },
    "customers_unit": {"zh-CN": "{n} 家顾客", "en": "{n} customers"},
    "respondents_unit": {"zh-CN": "{n} 人", "en": "{n} respondents"},
    "answers_unit": {"zh-CN": "{n} 条回答，{c} 家顾客", "en": "{n} answers, {c} customers"},
    "invited_unit": {"zh-CN": "{n} 份邀请", "en": "{n} invited"},
    "yes": {"zh-CN": "是", "en": "yes"},
    "no": {"zh-CN": "否", "en": "no"},
    "withheld": {"zh-CN": "样本过小，不判定", "en": "withheld (small n)"},
    # 2. trend
    "trend": {"zh-CN": "2. 近几次调查的趋势", "en": "2. Trend over the last campaigns"},
    "trend_intro": {
        "zh-CN": "同一调查表最近 {count} 次调查（由早到晚）；竖线为 95% 置信区间，虚线为目标。",
        "en": "The last {count} campaigns of this survey, oldest first; whiskers are 95 % "
        "intervals, dashed lines the targets.",
    },
    "trend_alone": {
        "zh-CN": "这是该调查表的第一次调查，尚无趋势可比。",
        "en": "This is the survey's first campaign: there is no trend yet.",
    },
    "trend_chart": {"zh-CN": "历次调查主要指标趋势", "en": "Headline figures over the campaigns"},
    # 3. factors and drivers
    "factors": {"zh-CN": "3. 各因子得分与关键驱动因素", "en": "3. Factors and drivers"},
    "factor": {"zh-CN": "因子", "en": "Factor"},
    "item": {"zh-CN": "项目", "en": "Item"},
    "score": {"zh-CN": "得分", "en": "Score"},
    "grade": {"zh-CN": "等级", "en": "Grade"},
    "customers": {"zh-CN": "顾客数", "en": "Customers"},
    "previous_value": {"zh-CN": "上次", "en": "Previous"},
    "satisfied": {"zh-CN": "满意率", "en": "Satisfied"},
    "lowest_items": {"zh-CN": "得分最低的项目", "en": "Lowest items"},
    "largest_falls": {"zh-CN": "下降最多的项目", "en": "Largest falls"},
    "largest_rises": {"zh-CN": "上升最多的项目", "en": "Largest rises"},
    "drivers": {
        "zh-CN": "关键驱动因素（对总体印象）",
        "en": "Key drivers of the overall impression",
    },
    "drivers_intro": {
        "zh-CN": "{n} 名受访者（{c} 家顾客），R² = {r2}；重要性区间：顾客自助抽样。",
        "en": "{n} respondents of {c} customers, R² = {r2}; importance interval: customer "
        "bootstrap.",
    },
    "drivers_none": {
        "zh-CN": "无关键驱动分析：没有总体印象题，或作答人数不足 {min} 人。",
        "en": "No key-driver analysis: no overall-impression question, or fewer than {min} "
        "respondents answered it and every factor.",
    },
    "correlation": {"zh-CN": "相关系数 r", "en": "r"},
    "importance": {"zh-CN": "相对重要性", "en": "Importance"},
    "performance": {"zh-CN": "表现", "en": "Performance"},
    "quadrant": {"zh-CN": "象限", "en": "Quadrant"},
    "factor_chart": {
        "zh-CN": "各因子得分及 95% 置信区间",
        "en": "Factor scores with their 95 % intervals",
    },
    "item_chart": {
        "zh-CN": "各项目得分及 95% 置信区间",
        "en": "Item scores with their 95 % intervals",
    },
    "this_campaign": {"zh-CN": "本次 {key}", "en": "This campaign {key}"},
    "previous_campaign": {"zh-CN": "上次 {key}", "en": "Previous {key}"},
    "score_target": {"zh-CN": "目标 {target}", "en": "Target {target}"},
    "small_n_note": {
        "zh-CN": "* 顾客少于 {n} 家：请看区间，变化不作显著性判定。",
        "en": "* fewer than {n} customers: read the interval; no change there is called "
        "significant.",
    },
    # 4. classes and key accounts
    "classes": {"zh-CN": "4. 顾客类别与重点客户", "en": "4. Customer classes and key accounts"},
    "class": {"zh-CN": "类别", "en": "Class"},
    "key_accounts": {"zh-CN": "重点客户（KA）", "en": "Key accounts (KA)"},
    "key_accounts_none": {"zh-CN": "本次没有重点客户得分。", "en": "No key account has a score."},
    "customer": {"zh-CN": "顾客", "en": "Customer"},
    "business_unit": {"zh-CN": "事业部", "en": "Business unit"},
    "respondents": {"zh-CN": "受访者", "en": "Respondents"},
    "business_units": {"zh-CN": "按事业部", "en": "By business unit"},
    # 5. tickets
    "tickets": {"zh-CN": "5. 纠正措施的有效性", "en": "5. Ticket effectiveness"},
    "tickets_intro": {
        "zh-CN": "每个 1–2 分开一张纠正措施单；统计截至 {at}。",
        "en": "Every answer of 1–2 opens a corrective-action ticket; figures as at {at}.",
    },
    "opened": {"zh-CN": "已开单", "en": "Opened"},
    "closed_on_time": {"zh-CN": "按期关闭", "en": "Closed on time"},
    "closed_late": {"zh-CN": "逾期关闭", "en": "Closed late"},
    "closed_undated": {"zh-CN": "关闭（无计划完成日）", "en": "Closed, no completion date"},
    "open_in_time": {"zh-CN": "处理中（未逾期）", "en": "Open, in time"},
    "overdue": {"zh-CN": "逾期未关闭", "en": "Overdue"},
    "escalated": {"zh-CN": "升级（投诉处理）", "en": "Escalated"},
    "callback_written": {"zh-CN": "已写回访报告", "en": "Call-back report written"},
    "callback_missing": {"zh-CN": "缺回访报告", "en": "Call-back report missing"},
    "callback_checks": {"zh-CN": "抽查回访标记", "en": "Marked for a call-back check"},
    "department": {"zh-CN": "部门", "en": "Department"},
    "no_department": {"zh-CN": "（未指定）", "en": "(none)"},
    "tickets_chart": {"zh-CN": "各部门纠正措施单状态", "en": "Tickets by department"},
    "split": {"zh-CN": "20/80 分类", "en": "The 20/80 split"},
    "split_line": {
        "zh-CN": "共 {tickets} 张：{opinion} 张客户意见处理单（严重度前 20%），"
        "{memos} 张内部联络单。",
        "en": "{tickets} tickets: {opinion} opinion tickets (the most severe 20 %), {memos} "
        "internal memos.",
    },
    "question": {"zh-CN": "题目", "en": "Question"},
    "opinion_tickets": {"zh-CN": "客户意见处理单", "en": "Opinion tickets"},
    "internal_memos": {"zh-CN": "内部联络单", "en": "Internal memos"},
    "max_severity": {"zh-CN": "最高严重度", "en": "Max severity"},
    "no_tickets": {
        "zh-CN": "本次调查没有 1–2 分，无纠正措施单。",
        "en": "No answer of 1–2: no tickets.",
    },
    # 6. data quality
    "quality": {"zh-CN": "6. 数据质量", "en": "6. Data quality"},
    "straight_lining": {
        "zh-CN": "直线作答（所有题同一档）：{n} 人{who}。",
        "en": "Straight-lining (every level the same): {n} respondents{who}.",
    },
    "speeding": {
        "zh-CN": "作答过快（用时不到中位数的一半）：{n} 人{who}。",
        "en": "Speeding (under half the median time): {n} respondents{who}.",
    },
    "flags_kept": {
        "zh-CN": "以上均已标记，未从任何指标中剔除。",
        "en": "They are flagged, not removed from any figure.",
    },
    "representative": {
        "zh-CN": "代表性：回复率 {rate}（目标 {target}）—— {verdict}。",
        "en": "Representativeness: response rate {rate} (target {target}) — {verdict}.",
    },
    "is_representative": {"zh-CN": "具有代表性", "en": "representative"},
    "not_representative_short": {"zh-CN": "不具代表性", "en": "not representative"},
    "unknown": {"zh-CN": "未知", "en": "unknown"},
    "small_sample": {
        "zh-CN": "小样本：仅 {n} 家顾客有得分，请按区间而非点值解读。",
        "en": "Small sample: only {n} customers have a score; read each figure by its interval.",
    },
    "report_notes": {"zh-CN": "报告说明", "en": "Notes of the report"},
    # 7. methods
    "methods": {"zh-CN": "7. 方法说明", "en": "7. Method notes"},
    "methods_intro": {
        "zh-CN": "置信水平 {confidence}%；以顾客为抽样单位。各区间的方法及样本量如下。",
        "en": "{confidence} % confidence; customers are the sampling unit. Each interval's "
        "method and n:",
    },
    "method": {"zh-CN": "方法", "en": "Method"},
    "description": {"zh-CN": "说明", "en": "Description"},
    "alpha_line": {
        "zh-CN": "因子的 Cronbach α = {alpha}（{k} 个因子，{n} 人全部作答；{ci}）。",
        "en": "Cronbach's alpha of the factors = {alpha} ({k} factors, {n} respondents with "
        "every one answered; {ci}).",
    },
    "scale_line": {
        "zh-CN": "分值：{scale}。等级：≥ {very} 很满意，≥ {fairly} 比较满意，"
        "≥ {generally} 一般满意，其下不满意。",
        "en": "Points: {scale}. Grades: ≥ {very} very satisfied, ≥ {fairly} fairly satisfied, "
        "≥ {generally} generally satisfied, below that dissatisfied.",
    },
}

QUADRANT_WORDS: Final[Mapping[str, Mapping[str, str]]] = {
    "maintain": {"zh-CN": "保持优势", "en": "maintain"},
    "improve": {"zh-CN": "重点改进", "en": "improve"},
    "possible_overkill": {"zh-CN": "可能过度", "en": "possible overkill"},
    "low_priority": {"zh-CN": "低优先级", "en": "low priority"},
}


def check_language(lang: str) -> str:
    """``lang`` when the review can be written in it; else a clear refusal."""
    if lang not in LANGUAGES:
        raise UnknownExport(f"no review language {lang!r}; use one of {', '.join(LANGUAGES)}")
    return lang


def texts_for(lang: str) -> dict[str, str]:
    """Every word of the document in ``lang``: what the templates read as ``t.<key>``."""
    check_language(lang)
    return {key: words[lang] for key, words in TEXTS.items()}
