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
        switch type {
        case "HouseholdIdentified":
            var people = 0
            if case .array(let m)? = d["members"] { people = m.count }
            return "\(name)：\(s("main_cause"))，\(people)人，\(s("attribute"))，人均纯收入 \(yuan("per_capita_income_fen"))，\(s("identified_year"))年"
                + (flag("omission_correction") ? "（漏评补录）" : "")
        case "MemberChanged":
            var relation = ""
            if case .object(let p)? = d["person"], case .string(let r)? = p["relation"] { relation = r }
            return "\(name)：\(s("change")) \(relation)"
        case "IncomeAssessed":
            var net: Int64 = 0
            for k in ["wage_fen", "business_fen", "property_fen"] { if case .integer(let n)? = d[k] { net += n } }
            if case .integer(let n)? = d["business_expense_fen"] { net -= n }
            if case .object(let t)? = d["transfer"] { for m in t.members { if case .integer(let n) = m.value { net += n } } }
            return "\(name)：\(s("year"))年，家庭纯收入 \(Fen(net).yuan) 元"
        case "GuaranteesAssessed":
            var insured = 0, members = 0
            if case .integer(let n)? = d["medical_insured"] { insured = Int(n) }
            if case .integer(let n)? = d["members"] { members = Int(n) }
            let grade = s("housing_grade")
            let ok = flag("food_ok") && flag("clothing_ok") && flag("education_ok") && flag("water_ok") && insured >= members
                && (grade == "A" || grade == "B")
            return "\(name)：\(ok ? "通过" : "未通过")，参保 \(insured)/\(members)，住房 \(grade) 级"
        case "HelperAssigned", "HelperReleased": return "\(name)：干部 \(s("cadre"))"
        case "VisitRecorded": return "\(name)：\(s("kind"))，干部 \(s("cadre"))"
        case "MeasureApplied":
            let a = s("addresses")
            return "\(name)：\(s("category"))" + (a.isEmpty ? "" : "（针对\(a)）")
        case "ExitApproved": return "\(name)：\(s("exit_year"))年"
        case "ReturnedToPoverty": return "\(name)：\(s("causes"))，\(s("found_by"))发现" + (flag("wrongful_exit") ? "，属错退" : "")
        case "RemovedAsMisidentified": return "\(name)：\(s("reason"))，\(s("found_by"))发现"
        case "EntitlementEnded": return "\(name)：\(s("reason"))"
        case "MonitoringEnrolled": return "\(name)：\(s("category"))"
        case "RiskEliminated": return "\(name)：\(s("method"))"
        case "RelocationRecorded": return "\(name)：\(s("site"))，自筹 \(yuan("self_raised_debt_fen"))"
        case "LoanIssued": return "\(name)：\(yuan("amount_fen"))，\(s("term_months"))个月"
        case "LoanRepaid": return "\(name)：\(yuan("amount_fen"))"
        case "LoanOverdue": return "\(name)：\(s("loan"))"
        case "SurveyRecorded": return "\(name)：\(flag("approves") ? "认可" : "不认可")"
        case "VillageRegistered": return "\(name)：\(s("name"))，\(s("households"))户\(s("population"))人"
        case "PopulationReported": return "\(name)：\(s("year"))年 \(s("households"))户\(s("population"))人"
        case "VillageExited": return "\(name)：\(s("year"))年"
        case "CadreRegistered": return "\(name)：\(s("unit"))，\(s("level"))级\(s("kind"))"
        case "FundAllocated": return "\(name)：\(s("source")) \(yuan("amount_fen")) → \(s("to"))，\(s("purpose"))"
        case "FundTransferred": return "\(name)：\(s("from")) → \(s("to")) \(yuan("amount_fen"))"
        case "FundDisbursed":
            let to = d["household"] != nil ? "户 " + s("household") : "项目 " + s("project")
            return "\(name)：\(s("from")) → \(to) \(yuan("amount_fen"))，\(s("purpose"))"
        case "FundReturned": return "\(name)：\(s("from")) \(yuan("amount_fen"))，\(s("reason"))"
        case "ProjectRegistered": return "\(name)：\(s("name"))，预算 \(yuan("budget_fen"))"
        case "ProjectPublicized": return "\(name)：\(s("from")) 至 \(s("to"))，\(s("channel"))"
        case "AssetRegistered": return "\(name)：\(s("class")) \(yuan("value_fen"))"
        case "AssetIncomeDistributed":
            var n = 0
            if case .array(let r)? = d["recipients"] { n = r.count }
            return "\(name)：\(yuan("amount_fen"))，\(n)户"
        case "PolicySet":
            let y = s("year")
            return "\(name)：\(s("key")) = \(s("value"))" + (y.isEmpty ? "" : "（\(y)年）")
        case "Correction":
            return s("action") == "retract" ? "\(name)：撤销 #\(s("target"))，审批 \(s("approver"))"
                                            : "\(name)：替换 #\(s("target")) 的数据，审批 \(s("approver"))"
        default: return name
        }
    }
}
