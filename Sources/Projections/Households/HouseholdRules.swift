/// The status machine's rules: which household events make sense in which state.
/// Validation refuses the rest before anything is written (`docs/households.md`).
public enum HouseholdRules {
    /// Why `type` makes no sense for a household in `state`, or `nil` when it does.
    ///
    /// - Parameters:
    ///   - state: The household's state, `nil` when never identified.
    ///   - type: The event type.
    ///   - cadre: For HelperReleased, the cadre released.
    public static func refusal(_ state: HouseholdState?, _ type: String, cadre: String? = nil) -> String? {
        let kind = EventKind(type: type)
        guard let s = state else {
            return kind == .householdIdentified ? nil : "the household was never identified (识别纳入); \(type) makes no sense before that"
        }
        let status = "the household is \(s.status.label)"
        switch kind {
        case .householdIdentified:
            return s.status == .removed ? nil : "\(status); it was identified already"
        case .exitApproved:
            return s.status.isPoor ? nil : "\(status); only a 未脱贫 or 返贫 household can exit"
        case .returnedToPoverty:
            return s.status.hasExited ? nil : "\(status); only an exited household can return to poverty"
        case .removedAsMisidentified:
            return s.status == .removed ? "\(status) already" : nil
        case .entitlementEnded:
            return s.status == .exited ? nil : "\(status); only a household exited with policy support (已脱贫) can stop receiving it"
        case .monitoringEnrolled:
            if s.status == .removed { return "\(status); a removed household is not monitored" }
            return s.monitored ? "the household is monitored already" : nil
        case .riskEliminated:
            return s.monitored ? nil : "the household is not monitored; there is no risk to eliminate"
        case .helperReleased:
            if let cadre, !s.helpers.contains(cadre) { return "cadre \(cadre) is not a helper of this household" }
            return nil
        case .helperAssigned:
            if let cadre, s.helpers.contains(cadre) { return "cadre \(cadre) helps this household already" }
            return nil
        default:
            return nil
        }
    }

    /// Whether a 两不愁三保障 assessment passes: food, clothing and schooling assured, every
    /// member insured, safe housing (grade A or B), safe water.
    static func guaranteesPass(_ m: Fp_GuaranteesAssessed) -> Bool {
        m.foodOk && m.clothingOk && m.educationOk && m.waterOk && m.medicalInsured >= m.members
            && (m.housingGrade == .a || m.housingGrade == .b)
    }
}
