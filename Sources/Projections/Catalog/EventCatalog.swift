/// One event type of the catalog: its name, Chinese name, the stream category it
/// belongs to (`nil`: any, for corrections) and its data's schema.
public final class EventSpec: Sendable {
    public let type: String
    public let chinese: String
    public let category: StreamCategory?
    public let schema: MessageSchema

    init(type: String, chinese: String, category: StreamCategory?, schema: MessageSchema) {
        self.type = type
        self.chinese = chinese
        self.category = category
        self.schema = schema
    }
}

/// Every event the ledger knows (`Events/README.md`, `Events/*.proto`).
public enum EventCatalog {
    static let person = MessageSchema("fp.Person", [
        req("person_id", 1, .text), req("name", 2, .text), req("id_number", 3, .idNumber), req("relation", 4, .text),
        opt("birth_date", 5, .date), opt("health", 6, .label(Labels.health)), opt("labor", 7, .label(Labels.labor)),
        opt("schooling", 8, .text),
    ])

    static let identificationProcedure = MessageSchema("fp.IdentificationProcedure", [
        opt("applied", 1, .date), opt("appraised", 2, .date), opt("village_notice_from", 3, .date),
        opt("village_notice_to", 4, .date), opt("town_notice_from", 5, .date), opt("town_notice_to", 6, .date),
        opt("county_approved", 7, .date),
    ])

    static let exitProcedure = MessageSchema("fp.ExitProcedure", [
        opt("appraised", 1, .date), opt("verified", 2, .date), opt("consent", 3, .date),
        opt("village_notice_from", 4, .date), opt("village_notice_to", 5, .date), opt("announced", 6, .date),
    ])

    static let transferIncome = MessageSchema("fp.TransferIncome", [
        req("minimum_living_fen", 1, .fen), req("extreme_poverty_support_fen", 2, .fen), req("pension_fen", 3, .fen),
        req("ecological_compensation_fen", 4, .fen), req("other_fen", 5, .fen),
    ])

    /// The metadata stored beside every payload.
    static let metadata = MessageSchema("fp.EventMetadata", [opt("document", 1, .text), opt("reason", 2, .text)])

    private static func spec(_ type: String, _ chinese: String, _ category: StreamCategory?, _ fields: [FieldSpec]) -> EventSpec {
        EventSpec(type: type, chinese: chinese, category: category, schema: MessageSchema("fp." + type, fields))
    }

    /// All event types, in catalog order.
    public static let all: [EventSpec] = [
        spec("HouseholdIdentified", "识别纳入", .household, [
            req("village", 1, .village), list("members", 2, .message(person)), req("attribute", 3, .label(Labels.attribute)),
            req("standard", 4, .label(Labels.standard)), req("main_cause", 5, .label(Labels.cause)),
            list("other_causes", 6, .label(Labels.cause), required: false), req("per_capita_income_fen", 7, .signedFen),
            req("identified_year", 8, .year), req("procedure", 9, .message(identificationProcedure)),
            opt("omission_correction", 10, .bool),
        ]),
        spec("MemberChanged", "人口自然增减", .household, [
            req("person", 1, .message(person)), req("change", 2, .label(Labels.memberChange)),
        ]),
        spec("IncomeAssessed", "收入核算", .household, [
            req("year", 1, .year), req("wage_fen", 2, .fen), req("business_fen", 3, .fen), req("property_fen", 4, .fen),
            req("transfer", 5, .message(transferIncome)), req("business_expense_fen", 6, .fen),
        ]),
        spec("GuaranteesAssessed", "两不愁三保障核查", .household, [
            req("food_ok", 1, .bool), req("clothing_ok", 2, .bool), req("education_ok", 3, .bool), opt("dropouts", 4, .count),
            req("medical_insured", 5, .count), req("members", 6, .count), req("housing_grade", 7, .label(Labels.housingGrade)),
            req("water_ok", 8, .bool), opt("assessor", 9, .text),
        ]),
        spec("HelperAssigned", "结对帮扶", .household, [req("cadre", 1, .text)]),
        spec("HelperReleased", "解除帮扶", .household, [req("cadre", 1, .text)]),
        spec("VisitRecorded", "走访", .household, [
            req("cadre", 1, .text), req("kind", 2, .label(Labels.visitKind)), opt("notes", 3, .text),
        ]),
        spec("MeasureApplied", "帮扶措施", .household, [
            req("category", 1, .label(Labels.measure)), opt("description", 2, .text), opt("addresses", 3, .label(Labels.cause)),
        ]),
        spec("ExitApproved", "脱贫退出", .household, [
            req("exit_year", 1, .year), req("procedure", 2, .message(exitProcedure)),
        ]),
        spec("ReturnedToPoverty", "返贫", .household, [
            list("causes", 1, .label(Labels.cause)), req("found_by", 2, .label(Labels.foundBy)), req("wrongful_exit", 3, .bool),
        ]),
        spec("RemovedAsMisidentified", "剔除", .household, [
            req("reason", 1, .text), req("found_by", 2, .label(Labels.foundBy)),
        ]),
        spec("EntitlementEnded", "标注不再享受政策", .household, [req("reason", 1, .text)]),
        spec("MonitoringEnrolled", "纳入监测", .household, [
            req("category", 1, .label(Labels.monitoringCategory)), list("risks", 2, .text, required: false),
        ]),
        spec("RiskEliminated", "风险消除", .household, [req("method", 1, .text)]),
        spec("RelocationRecorded", "易地扶贫搬迁", .household, [
            req("site", 1, .text), req("self_raised_debt_fen", 2, .fen),
        ]),
        spec("LoanIssued", "扶贫小额信贷发放", .household, [
            req("loan", 1, .text), req("amount_fen", 2, .fen), req("term_months", 3, .count), opt("bank", 4, .text),
        ]),
        spec("LoanRepaid", "小额信贷还款", .household, [req("loan", 1, .text), req("amount_fen", 2, .fen)]),
        spec("LoanOverdue", "小额信贷逾期", .household, [req("loan", 1, .text)]),
        spec("SurveyRecorded", "群众认可度调查", .household, [req("approves", 1, .approval), opt("notes", 2, .text)]),
        spec("VillageRegistered", "行政村登记", .village, [
            req("name", 1, .text), req("town", 2, .text), req("county", 3, .text), req("households", 4, .count),
            req("population", 5, .count),
        ]),
        spec("PopulationReported", "人口统计", .village, [
            req("year", 1, .year), req("households", 2, .count), req("population", 3, .count),
        ]),
        spec("VillageDesignatedPoor", "贫困村认定", .village, []),
        spec("VillageExited", "贫困村出列", .village, [req("year", 1, .year)]),
        spec("CadreRegistered", "帮扶干部登记", .cadre, [
            req("name", 1, .text), req("id_number", 2, .idNumber), req("unit", 3, .text),
            req("level", 4, .label(Labels.cadreLevel)), req("kind", 5, .label(Labels.cadreKind)),
        ]),
        spec("FundAllocated", "资金下达", .fund, [
            req("document", 1, .text), req("source", 2, .label(Labels.fundSource)), req("amount_fen", 3, .fen),
            req("to", 4, .unit), req("purpose", 5, .text),
        ]),
        spec("FundTransferred", "资金拨付", .fund, [
            req("from", 1, .unit), req("to", 2, .unit), req("amount_fen", 3, .fen), opt("voucher", 4, .text),
        ]),
        spec("FundDisbursed", "资金兑付", .fund, [
            req("from", 1, .unit), FieldSpec("household", 2, .text, oneof: "recipient"),
            FieldSpec("project", 3, .text, oneof: "recipient"), req("amount_fen", 4, .fen), req("purpose", 5, .text),
            opt("voucher", 6, .text),
        ]),
        spec("FundReturned", "资金收回", .fund, [
            req("from", 1, .unit), req("amount_fen", 2, .fen), req("reason", 3, .text),
        ]),
        spec("ProjectRegistered", "项目入库", .project, [
            req("village", 1, .village), req("name", 2, .text), req("kind", 3, .text), req("budget_fen", 4, .fen),
            list("beneficiaries", 5, .text, required: false),
        ]),
        spec("ProjectPublicized", "项目公示", .project, [
            req("from", 1, .date), req("to", 2, .date), req("channel", 3, .text),
        ]),
        spec("ProjectCompleted", "项目竣工", .project, []),
        spec("ProjectAccepted", "项目验收", .project, []),
        spec("AssetRegistered", "扶贫资产登记", .project, [
            req("asset", 1, .text), req("class", 2, .label(Labels.assetClass)), req("value_fen", 3, .fen), req("owner", 4, .unit),
        ]),
        spec("AssetIncomeDistributed", "资产收益分配", .project, [
            req("asset", 1, .text), req("amount_fen", 2, .fen), list("recipients", 3, .text),
        ]),
        spec("PolicySet", "政策参数", .policy, [
            req("key", 1, .text), req("value", 2, .integer), opt("year", 3, .year),
        ]),
        spec("Correction", "更正", nil, [
            req("target", 1, .position), req("action", 2, .label(Labels.correctionAction)), opt("data", 3, .correctionData),
            req("approver", 4, .text),
        ]),
    ]

    private static let byType: [String: EventSpec] = Dictionary(uniqueKeysWithValues: all.map { ($0.type, $0) })

    /// The spec of an event type, or `nil` when the catalog has no such type.
    public static func spec(for type: String) -> EventSpec? { byType[type] }

    /// The keys a PolicySet may set (`docs/policy.md`), and whether each needs a year.
    public static let policyKeys: [String: Bool] = [
        "poverty_line_fen": true, "monitoring_line_fen": true, "max_households_per_helper": false,
        "visit_interval_days": false, "publicity_days": false, "funds_idle_warning_days": false,
        "funds_idle_clawback_days": false, "relocation_debt_limit_fen": false, "loan_limit_fen": false,
        "loan_term_limit_months": false, "transfer_income_share_percent": false, "risk_elimination_min_months": false,
        "poverty_rate_exit_percent": false,
    ]
}
