import EventStore

/// The rules on fund trails: funds-idle, funds-overdrawn, duplicate-disbursement,
/// disbursed-before-publicity (`docs/funds.md`, `docs/findings.md`).
extension FindingRules {
    /// The findings of every fund, in log order of their evidence.
    ///
    /// - Parameter policy: The policy in force on a date (the evidence's effective date).
    public static func funds(_ reading: FundLedger.Reading, policy: (EffectiveDate) -> Policy) -> [Finding] {
        var out: [Finding] = []
        for t in reading.trails {
            // The same household, purpose and fund, paid again within 30 days of the last.
            // The last payment (its index) by recipient and purpose; no key string built.
            struct Paid: Hashable { var to: String, purpose: String }
            var lastPaid: [Paid: Int] = [:]
            lastPaid.reserveCapacity(t.payments.count)
            for (k, p) in t.payments.enumerated() where p.to.hasPrefix(StreamCategory.household.prefix) {
                let key = Paid(to: p.to, purpose: p.purpose)
                if let i = lastPaid[key] {
                    let before = t.payments[i]
                    let gap = p.effective.daysSinceEpoch - before.effective.daysSinceEpoch
                    if gap <= 30 {
                        out.append(Finding(rule: "duplicate-disbursement", stream: StreamCategory.fund.stream(t.fund), position: p.position,
                                           effective: p.effective,
                                           detail: "\(p.to) 于 \(before.effective)（#\(before.position)）和 \(p.effective) 两次获得\(p.purpose)资金 "
                                               + "\(before.amount.yuan) 元和 \(p.amount.yuan) 元，相隔 \(gap) 天",
                                           household: p.household))
                    }
                }
                lastPaid[key] = k
            }
            for p in t.payments {
                guard let project = p.project else { continue }
                let days = Int(policy(p.effective).values["publicity_days"] ?? 10)
                // A notice's period runs to its own end, and at least the policy's days.
                let periods = reading.notices(project).filter { $0.from <= p.effective }.map { n in
                    (n.from, max(n.to.daysSinceEpoch, n.from.daysSinceEpoch + days - 1), n.to)
                }
                guard !periods.contains(where: { $0.1 < p.effective.daysSinceEpoch }) else { continue }
                let why: String
                if let last = periods.last {
                    why = "公示 \(last.0) 至 \(last.2)，按 \(days) 天公示期尚未结束"
                } else {
                    why = "此前没有公示"
                }
                out.append(Finding(rule: "disbursed-before-publicity", stream: StreamCategory.fund.stream(t.fund), position: p.position,
                                   effective: p.effective,
                                   detail: "\(p.from) 于 \(p.effective) 向 \(p.to) 拨付 \(p.amount.yuan) 元，\(why)"))
            }
            let stream = StreamCategory.fund.stream(t.fund)
            for w in t.waits {
                let p = policy(w.arrived)
                let warning = Int(p.values["funds_idle_warning_days"] ?? 30)
                let clawback = Int(p.values["funds_idle_clawback_days"] ?? 180)
                guard w.days > warning else { continue }
                let how = w.stillHeld ? "起滞留 \(w.days) 天仍未拨完" : "起滞留，最长 \(w.days) 天后才拨出"
                let beyond = w.days > clawback ? "，超过收回期 \(clawback) 天" : "，超过预警期 \(warning) 天"
                out.append(Finding(rule: "funds-idle", stream: stream, position: w.position, effective: w.arrived,
                                   detail: "\(w.unit) 收到的 \(w.amount.yuan) 元自 \(w.arrived) \(how)\(beyond)"))
            }
            for o in t.overdrafts {
                out.append(Finding(rule: "funds-overdrawn", stream: stream, position: o.position, effective: o.effective,
                                   detail: "\(o.unit) 拨出 \(o.amount.yuan) 元，超出其结存 \(o.excess.yuan) 元"))
            }
        }
        return out.sorted(by: Finding.logOrder)
    }
}
