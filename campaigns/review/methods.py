"""The method notes in the review's language: each interval method's name and description and
the report's statements of its scheme (sampling unit, weighting, the factor score rule, the
choice of test, multiplicity). English is the report's own text (``report.methods``); zh-CN
words the same scheme here, with the same constants."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from scoring import CampaignReport, changes
from scoring.methods import INTERVAL_LABEL, Interval
from scoring.stats import CONFIDENCE, SIGNIFICANCE

EN, ZH_CN = "en", "zh-CN"

INTERVAL_NAMES: Final[Mapping[str, Mapping[Interval, str]]] = {
    EN: INTERVAL_LABEL,
    ZH_CN: {
        Interval.WILSON: "Wilson 区间",
        Interval.DESIGN_WILSON: "整群 Wilson 区间",
        Interval.T: "t 区间",
        Interval.LINEARISED_T: "整群 t 区间",
        Interval.BOOTSTRAP: "顾客自助抽样",
        Interval.FELDT: "Feldt 区间",
        Interval.NORMAL: "正态近似",
    },
}

ZH_CN_INTERVAL_TEXT: Final[Mapping[Interval, str]] = {
    Interval.WILSON: "以顾客计的 Wilson 得分区间（每家顾客只计一次）",
    Interval.DESIGN_WILSON: (
        "按设计有效样本量计算的 Wilson 区间：以顾客为群的线性化（比率估计量）方差，"
        "有效样本量 = n / 设计效应，并按 Korn–Graubard 调整自由度"
    ),
    Interval.T: "以顾客得分计的 Student t 区间（每家顾客只计一次）",
    Interval.LINEARISED_T: "均值 ± t(m − 1) · 线性化（比率估计量）标准误，以顾客为群",
    Interval.BOOTSTRAP: "顾客自助抽样的百分位区间",
    Interval.FELDT: "Feldt 的 F 分布区间",
    Interval.NORMAL: "估计值 ± z · 标准误，受访者视为独立（SPEC §4.10 的 NPS 公式）",
}


def _zh_cn_scheme() -> list[str]:
    return [
        "以顾客为抽样单位：同一顾客的受访者回答相近，因此按回答计算的指标以顾客为群"
        "（各指标旁列出设计效应与有效样本量）。",
        "顾客权重（按类别）用于加权平均得分以及加权好评率、加权前三档比例（先算各顾客自身的比率，"
        "再按权重平均）；平均得分、合并比率、满意率、忠诚度与 NPS 不加权。权重的 Kish 有效样本量"
        "按顾客计算。",
        "顾客某题的得分是其各受访者所给分值的平均；因子得分是已作答项目得分按项目权重的加权平均；"
        "顾客得分是已作答因子得分按因子权重的加权平均。因此同一顾客的多名受访者先逐题平均，再加权。",
        "变化按顾客层面的指标检验。均值、按回答计的比率与 NPS：两次合计不超过 "
        f"{changes.PERMUTATION_LIMIT} 家顾客时用蒙特卡洛置换检验，否则用基于线性化标准误的 Welch "
        "t 检验；顾客比例（满意率、忠诚度）与回复率：样本同样小时用 Fisher 精确检验，否则用合并的"
        f"两比例 z 检验。每项变化均给出效应及其 {100 * CONFIDENCE:g}% 置信区间和两侧样本量。",
        "在每个族（总体指标、因子、项目、细分）内做 Benjamini–Hochberg 校正；校正后 p 值低于 "
        f"{SIGNIFICANCE:g} 的变化为显著",
    ]


def interval_name(method: str, lang: str) -> str:
    """The interval method's short name in ``lang``."""
    return INTERVAL_NAMES[lang][Interval(method)]


def interval_text(report: CampaignReport, method: str, lang: str) -> str:
    """What the interval method is, in ``lang``."""
    if lang == ZH_CN:
        return ZH_CN_INTERVAL_TEXT[Interval(method)]
    return report.methods.interval_methods.get(method, "")


def scheme_texts(report: CampaignReport, lang: str) -> list[str]:
    """The report's statements of its scheme, in ``lang``."""
    if lang == ZH_CN:
        return _zh_cn_scheme()
    m = report.methods
    return [m.sampling_unit, m.weighting, m.factor_score_rule, m.test_choice, m.multiplicity]
