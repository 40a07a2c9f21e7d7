"""The collector's phone scripts at three levels (seed 001), the defaults a policy may edit.

Level 1 up to 30 days overdue, level 2 from 30 to 60, level 3 from 60 (domain.md, Dunning).
Placeholders in braces are filled by the worklist: {customer}, {amount}, {days}, {deadline}.
"""
from __future__ import annotations

DEFAULT_SCRIPTS: dict[int, dict[str, str]] = {
    1: {
        "zh-CN": "您好，我是{company}财务部的催收专员。贵司账款{amount}已逾期{days}天，"
                 "请问是否已收到发票、对货物或服务有无异议？如无异议，请尽快安排付款，"
                 "并告知预计付款日期。",
        "en": "Hello, this is the collections team of {company}. Your account shows {amount} "
              "overdue by {days} days. Did you receive the invoice, and is there any objection "
              "to the goods or service? If not, please arrange payment promptly and tell us "
              "the date you expect to pay.",
    },
    2: {
        "zh-CN": "您好，贵司账款{amount}已逾期{days}天，经多次提醒仍未付清。我司正式要求贵司于"
                 "{deadline}前付清全部欠款；如有困难，请今天与我们商定还款计划，"
                 "否则我司将按合同约定计收违约金和逾期利息。",
        "en": "Your account shows {amount} overdue by {days} days despite our reminders. We "
              "formally demand payment in full by {deadline}. If you cannot pay, agree a "
              "repayment plan with us today; otherwise we will charge the contractual "
              "penalty and overdue interest.",
    },
    3: {
        "zh-CN": "贵司账款{amount}已逾期{days}天，我司已多次催告未果。如贵司在{deadline}前仍不付款，"
                 "我司将停止供货，并委托律师通过诉讼追收欠款及违约金、利息和追索费用，"
                 "由此产生的一切后果由贵司承担。",
        "en": "Your account shows {amount} overdue by {days} days and our demands have gone "
              "unanswered. If payment is not received by {deadline}, we will stop supply and "
              "instruct our lawyers to recover the debt, penalty, interest and recovery costs "
              "through the courts, at your expense.",
    },
}
