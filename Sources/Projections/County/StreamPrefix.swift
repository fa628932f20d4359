/// The stream categories the county fold reads, recognised from the name's bytes.
enum StreamPrefix {
    case household, village, policy, cadre, other

    static let householdBytes = Array(StreamCategory.household.prefix.utf8), villageBytes = Array(StreamCategory.village.prefix.utf8)
    static let policyBytes = Array(StreamCategory.policy.prefix.utf8), cadreBytes = Array(StreamCategory.cadre.prefix.utf8)

    /// The prefix's length in bytes.
    var count: Int {
        switch self {
        case .household: return Self.householdBytes.count
        case .village: return Self.villageBytes.count
        case .policy: return Self.policyBytes.count
        case .cadre: return Self.cadreBytes.count
        case .other: return 0
        }
    }

    static func of(_ stream: UnsafeRawBufferPointer) -> StreamPrefix {
        func starts(_ p: [UInt8]) -> Bool { stream.count > p.count && stream.prefix(p.count).elementsEqual(p) }
        if starts(householdBytes) { return .household }
        if starts(villageBytes) { return .village }
        if starts(policyBytes) { return .policy }
        if starts(cadreBytes) { return .cadre }
        return .other
    }
}
