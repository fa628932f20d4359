/// Every event type as a small enum, so folds switch on a byte rather than compare
/// strings. Resolved once per record from the type's bytes.
public enum EventKind: UInt8, Sendable, CaseIterable {
    case householdIdentified, memberChanged, incomeAssessed, guaranteesAssessed, helperAssigned, helperReleased
    case visitRecorded, measureApplied, exitApproved, returnedToPoverty, removedAsMisidentified, entitlementEnded
    case monitoringEnrolled, riskEliminated, relocationRecorded, loanIssued, loanRepaid, loanOverdue, surveyRecorded
    case villageRegistered, populationReported, villageDesignatedPoor, villageExited, cadreRegistered
    case fundAllocated, fundTransferred, fundDisbursed, fundReturned
    case projectRegistered, projectPublicized, projectCompleted, projectAccepted, assetRegistered, assetIncomeDistributed
    case policySet, correction
    /// A type the catalog does not know.
    case unknown

    /// Whether the household fold decodes this kind's payload (the others change only
    /// the state machine or nothing, so a replay need not copy their bytes).
    public var householdFoldReadsPayload: Bool {
        switch self {
        case .householdIdentified, .memberChanged, .incomeAssessed, .guaranteesAssessed, .helperAssigned, .helperReleased,
             .measureApplied, .exitApproved, .relocationRecorded: return true
        default: return false
        }
    }

    /// The type's name in the catalog (`HouseholdIdentified`). A table lookup: the
    /// replay path asks for it once per event.
    public var name: String { Self.names[Int(rawValue)] }

    private static let names: [String] = allCases.map { k in
        guard k != .unknown else { return "" }
        let n = String(describing: k)
        return n.prefix(1).uppercased() + n.dropFirst()
    }

    private static let byName: [String: EventKind] = Dictionary(
        uniqueKeysWithValues: allCases.filter { $0 != .unknown }.map { ($0.name, $0) })

    private static let byHash: [UInt64: (EventKind, [UInt8])] = Dictionary(
        uniqueKeysWithValues: allCases.filter { $0 != .unknown }.map { k in
            let bytes = Array(k.name.utf8)
            return (bytes.withUnsafeBytes { StreamHashing.fnv1a($0) }, (k, bytes))
        })

    /// The kind of a type name.
    public init(type: String) { self = Self.byName[type] ?? .unknown }

    /// The kind of a type given as UTF-8 bytes, without building a string.
    public init(typeBytes: UnsafeRawBufferPointer) {
        if let (k, name) = Self.byHash[StreamHashing.fnv1a(typeBytes)], typeBytes.elementsEqual(name) { self = k } else { self = .unknown }
    }
}
