import EventStore

/// A one-line Chinese summary of an event, for audit trails (`history`). Never shows
/// names or id numbers, so it needs no masking.
public enum EventSummary {
    /// The summary of a stored event.
    public static func line(type: String, payload: [UInt8]) -> String {
        guard let spec = EventCatalog.spec(for: type) else { return type }
        guard let d = try? DataCodec.decode(payload, spec.schema, path: "data") else { return spec.chinese + "（数据无法解码）" }
        func s(_ k: String) -> String {
            switch d[k] {
            case .string(let v)?: return v
            case .integer(let n)?: return String(n)
            case .array(let items)?: return items.compactMap { if case .string(let v) = $0 { return v } else { return nil } }.joined(separator: "、")
            default: return ""
            }
        }
        func yuan(_ k: String) -> String {
            if case .integer(let n)? = d[k] { return Fen(n).yuan + " 元" }
            return ""
        }
        func flag(_ k: String) -> Bool { d[k] == .bool(true) }
        let name = spec.chinese
        switch EventKind(type: type) {
        case .householdIdentified:
            var people = 0
            if case .array(let m)? = d["members"] { people = m.count }
            return "\(name)：\(s("main_cause"))，\(people)人，\(s("attribute"))，人均纯收入 \(yuan("per_capita_income_fen"))，\(s("identified_year"))年"
                + (flag("omission_correction") ? "（漏评补录）" : "")
        case .memberChanged:
            var relation = ""
            if case .object(let p)? = d["person"], case .string(let r)? = p["relation"] { relation = r }
            return "\(name)：\(s("change")) \(relation)"
        case .incomeAssessed:
            var net: Int64 = 0
            for k in ["wage_fen", "business_fen", "property_fen"] { if case .integer(let n)? = d[k] { net += n } }
            if case .integer(let n)? = d["business_expense_fen"] { net -= n }
            if case .object(let t)? = d["transfer"] { for m in t.members { if case .integer(let n) = m.value { net += n } } }
            return "\(name)：\(s("year"))年，家庭纯收入 \(Fen(net).yuan) 元"
        case .guaranteesAssessed:
            var insured = 0, members = 0
            if case .integer(let n)? = d["medical_insured"] { insured = Int(n) }
            if case .integer(let n)? = d["members"] { members = Int(n) }
            let grade = s("housing_grade")
            let ok = flag("food_ok") && flag("clothing_ok") && flag("education_ok") && flag("water_ok") && insured >= members
                && (grade == "A" || grade == "B")
            return "\(name)：\(ok ? "通过" : "未通过")，参保 \(insured)/\(members)，住房 \(grade) 级"
        case .helperAssigned, .helperReleased: return "\(name)：干部 \(s("cadre"))"
        case .visitRecorded: return "\(name)：\(s("kind"))，干部 \(s("cadre"))"
        case .measureApplied:
            let a = s("addresses")
            return "\(name)：\(s("category"))" + (a.isEmpty ? "" : "（针对\(a)）")
        case .exitApproved: return "\(name)：\(s("exit_year"))年"
        case .returnedToPoverty: return "\(name)：\(s("causes"))，\(s("found_by"))发现" + (flag("wrongful_exit") ? "，属错退" : "")
        case .removedAsMisidentified: return "\(name)：\(s("reason"))，\(s("found_by"))发现"
        case .entitlementEnded: return "\(name)：\(s("reason"))"
        case .monitoringEnrolled: return "\(name)：\(s("category"))"
        case .riskEliminated: return "\(name)：\(s("method"))"
        case .relocationRecorded: return "\(name)：\(s("site"))，自筹 \(yuan("self_raised_debt_fen"))"
        case .loanIssued: return "\(name)：\(yuan("amount_fen"))，\(s("term_months"))个月"
        case .loanRepaid: return "\(name)：\(yuan("amount_fen"))"
        case .loanOverdue: return "\(name)：\(s("loan"))"
        case .surveyRecorded: return "\(name)：\(flag("approves") ? "认可" : "不认可")"
        case .villageRegistered: return "\(name)：\(s("name"))，\(s("households"))户\(s("population"))人"
        case .populationReported: return "\(name)：\(s("year"))年 \(s("households"))户\(s("population"))人"
        case .villageExited: return "\(name)：\(s("year"))年"
        case .cadreRegistered: return "\(name)：\(s("unit"))，\(s("level"))级\(s("kind"))"
        case .fundAllocated: return "\(name)：\(s("source")) \(yuan("amount_fen")) → \(s("to"))，\(s("purpose"))"
        case .fundTransferred: return "\(name)：\(s("from")) → \(s("to")) \(yuan("amount_fen"))"
        case .fundDisbursed:
            let to = d["household"] != nil ? "户 " + s("household") : "项目 " + s("project")
            return "\(name)：\(s("from")) → \(to) \(yuan("amount_fen"))，\(s("purpose"))"
        case .fundReturned: return "\(name)：\(s("from")) \(yuan("amount_fen"))，\(s("reason"))"
        case .projectRegistered: return "\(name)：\(s("name"))，预算 \(yuan("budget_fen"))"
        case .projectPublicized: return "\(name)：\(s("from")) 至 \(s("to"))，\(s("channel"))"
        case .assetRegistered: return "\(name)：\(s("class")) \(yuan("value_fen"))"
        case .assetIncomeDistributed:
            var n = 0
            if case .array(let r)? = d["recipients"] { n = r.count }
            return "\(name)：\(yuan("amount_fen"))，\(n)户"
        case .policySet:
            let y = s("year")
            return "\(name)：\(s("key")) = \(s("value"))" + (y.isEmpty ? "" : "（\(y)年）")
        case .correction:
            return s("action") == "retract" ? "\(name)：撤销 #\(s("target"))，审批 \(s("approver"))"
                                            : "\(name)：替换 #\(s("target")) 的数据，审批 \(s("approver"))"
        default: return name
        }
    }
}
